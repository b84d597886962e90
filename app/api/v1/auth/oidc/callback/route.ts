import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { signInWithOidc, takeOidcFlow } from "@/db/queries/oidc";
import { OidcLoginError } from "@/lib/auth/oidc-client";
import { env } from "@/lib/config/env";
import { logger } from "@/lib/log";
import { SESSION_COOKIE } from "../../../_lib/auth";
import { clientAddrOf, toResponse } from "../../../_lib/handler";
import { sessionCookieOptions } from "../../../_lib/cookies";
import { configuredOidc, OIDC_COOKIE_PATH, OIDC_FLOW_COOKIE, redirectHere, redirectUriOf } from "../_lib/oidc";

function backToLogin(req: NextRequest, message: string): NextResponse {
  const res = redirectHere(`/login?sso_error=${encodeURIComponent(message)}`);
  res.cookies.set(OIDC_FLOW_COOKIE, "", { path: OIDC_COOKIE_PATH, maxAge: 0 });
  return res;
}

/** Where the provider sends the browser back: exchange the code, map the role, start a session. */
export async function GET(req: NextRequest) {
  try {
    const client = configuredOidc();
    if (!client) return backToLogin(req, "single sign-on is not configured");
    const cookie = req.cookies.get(OIDC_FLOW_COOKIE)?.value;
    const db = await getDb();
    const flow = cookie ? await takeOidcFlow(db, cookie) : null;
    if (!flow) return backToLogin(req, "the sign-in took too long or was already used; try again");
    const redirectUri = redirectUriOf(req);
    const callbackUrl = new URL(redirectUri);
    callbackUrl.search = req.nextUrl.search;
    const identity = await client.complete(callbackUrl, redirectUri, flow);
    const result = await signInWithOidc(db, identity, {
      clientAddr: clientAddrOf(req),
      userAgent: req.headers.get("user-agent"),
      ttlMs: env().FLOTILLA_SESSION_TTL_HOURS * 3600_000,
    });
    if (!result.ok) return backToLogin(req, result.message);
    const res = redirectHere(flow.returnTo);
    res.cookies.set(SESSION_COOKIE, result.session.token, sessionCookieOptions(req, result.session.expiresAt));
    res.cookies.set(OIDC_FLOW_COOKIE, "", { path: OIDC_COOKIE_PATH, maxAge: 0 });
    return res;
  } catch (err) {
    if (err instanceof OidcLoginError) {
      logger().warn({ reason: err.reason, message: err.message }, "single sign-on refused");
      return backToLogin(req, err.reason === "provider_unreachable" ? "the identity provider cannot be reached; try again or use a local account" : "the identity provider's answer was not valid; sign-in refused");
    }
    return toResponse(err);
  }
}
