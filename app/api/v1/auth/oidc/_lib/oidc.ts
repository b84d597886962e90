import { NextResponse, type NextRequest } from "next/server";
import { oidcClientFor, type OidcClient } from "@/lib/auth/oidc-client";
import { env } from "@/lib/config/env";

export const OIDC_FLOW_COOKIE = "flotilla_oidc";
export const OIDC_COOKIE_PATH = "/api/v1/auth/oidc";

export function configuredOidc(): OidcClient | null {
  const e = env();
  return oidcClientFor(
    e.FLOTILLA_OIDC_ISSUER && e.FLOTILLA_OIDC_CLIENT_ID
      ? {
          issuer: e.FLOTILLA_OIDC_ISSUER,
          clientId: e.FLOTILLA_OIDC_CLIENT_ID,
          clientSecret: e.FLOTILLA_OIDC_CLIENT_SECRET,
          scopes: e.FLOTILLA_OIDC_SCOPES,
          roleClaim: e.FLOTILLA_OIDC_ROLE_CLAIM,
          roleMap: e.FLOTILLA_OIDC_ROLE_MAP,
        }
      : null,
  );
}

/**
 * A redirect within this server: a relative Location (RFC 9110 allows it), so it is right behind
 * any proxy whatever Host the request carried.
 */
export function redirectHere(path: string): NextResponse {
  return new NextResponse(null, { status: 303, headers: { location: path } });
}

/** This server as the browser reaches it: the public URL when configured. */
export function publicUrl(req: NextRequest, path: string): URL {
  return new URL(path, env().FLOTILLA_PUBLIC_URL ?? req.nextUrl.origin);
}

/** The redirect URI to register at the provider. */
export function redirectUriOf(req: NextRequest): string {
  return publicUrl(req, `${OIDC_COOKIE_PATH}/callback`).href;
}
