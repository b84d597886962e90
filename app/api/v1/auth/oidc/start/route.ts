import { NextResponse, type NextRequest } from "next/server";
import { getDb } from "@/db/client";
import { startOidcFlow } from "@/db/queries/oidc";
import { OidcLoginError, safeReturnPath } from "@/lib/auth/oidc-client";
import { AppError } from "@/lib/errors";
import { toResponse } from "../../../_lib/handler";
import { sessionCookieOptions } from "../../../_lib/cookies";
import { configuredOidc, OIDC_COOKIE_PATH, OIDC_FLOW_COOKIE, redirectHere, redirectUriOf } from "../_lib/oidc";

/** Sends the browser to the identity provider (authorization code + PKCE). */
export async function GET(req: NextRequest) {
  try {
    const client = configuredOidc();
    if (!client) throw new AppError("not_found", "single sign-on is not configured");
    const { url, checks } = await client.authorizationUrl(redirectUriOf(req));
    const cookie = await startOidcFlow(await getDb(), checks, safeReturnPath(req.nextUrl.searchParams.get("next")));
    const res = NextResponse.redirect(url, 303);
    // Lax: the provider sends the browser back with a top-level GET, which carries it.
    res.cookies.set(OIDC_FLOW_COOKIE, cookie, { ...sessionCookieOptions(req, new Date(Date.now() + 10 * 60_000)), path: OIDC_COOKIE_PATH });
    return res;
  } catch (err) {
    if (err instanceof OidcLoginError) return redirectHere(`/login?sso_error=${encodeURIComponent(err.message)}`);
    return toResponse(err);
  }
}
