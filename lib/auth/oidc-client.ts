import * as oidc from "openid-client";
import { claimValues, parseRoleMap, roleFromClaims, type RoleMap } from "./oidc-roles";
import type { Role } from "./permissions";

/**
 * Single sign-on over OpenID Connect with the authorization code flow and PKCE, through
 * openid-client (discovery, state/nonce/PKCE checks, ID token signature, issuer, audience
 * and expiry validation are the library's, not ours).
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  scopes: string;
  roleClaim: string;
  roleMap: string;
}

/** What an authorization request needs remembered until the provider sends the browser back. */
export interface OidcFlowChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface OidcIdentity {
  /** Issuer and subject: the stable key of a person at a provider (e-mails change). */
  subject: string;
  email: string | null;
  name: string;
  /** The role the claims map to; null means the provider no longer grants any access. */
  role: Role | null;
  /** The claim values that were considered, for the audit record. */
  claimValues: string[];
}

export class OidcLoginError extends Error {
  constructor(
    readonly reason: "provider_error" | "invalid_response" | "provider_unreachable",
    message: string,
  ) {
    super(message);
  }
}

export interface OidcClient {
  authorizationUrl(redirectUri: string): Promise<{ url: string; checks: OidcFlowChecks }>;
  /** Exchanges the code the provider sent back; throws OidcLoginError on anything invalid. */
  complete(callbackUrl: URL, redirectUri: string, checks: OidcFlowChecks): Promise<OidcIdentity>;
}

export function createOidcClient(settings: OidcSettings): OidcClient {
  const roleMap: RoleMap = parseRoleMap(settings.roleMap);
  let config: Promise<oidc.Configuration> | undefined;

  function configuration(): Promise<oidc.Configuration> {
    // Discovery once per process; a failure is not cached, so a provider that was down is
    // tried again at the next sign-in.
    config ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        undefined,
        settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None(),
        {
          execute: [
            // Verify the ID token's signature against the provider's published keys too, not only
            // its claims: the spec lets a client lean on TLS to the token endpoint instead, but a
            // token we did not check should never decide who someone is.
            oidc.enableNonRepudiationChecks,
            // An http:// issuer is the operator's explicit choice (a lab or a test provider).
            ...(new URL(settings.issuer).protocol === "http:" ? [oidc.allowInsecureRequests] : []),
          ],
        },
      )
      .catch((err: unknown) => {
        config = undefined;
        throw new OidcLoginError("provider_unreachable", `OIDC discovery at ${settings.issuer} failed: ${(err as Error).message}`);
      });
    return config;
  }

  return {
    async authorizationUrl(redirectUri) {
      const cfg = await configuration();
      const checks: OidcFlowChecks = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
      const url = oidc.buildAuthorizationUrl(cfg, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        response_type: "code",
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: "S256",
        state: checks.state,
        nonce: checks.nonce,
      });
      return { url: url.href, checks };
    },

    async complete(callbackUrl, redirectUri, checks) {
      const cfg = await configuration();
      const providerError = callbackUrl.searchParams.get("error");
      if (providerError) {
        const description = callbackUrl.searchParams.get("error_description");
        throw new OidcLoginError("provider_error", `the provider refused: ${providerError}${description ? ` (${description})` : ""}`);
      }
      let claims: Record<string, unknown>;
      try {
        const tokens = await oidc.authorizationCodeGrant(
          cfg,
          callbackUrl,
          { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true },
          { redirect_uri: redirectUri },
        );
        const idClaims = tokens.claims();
        if (!idClaims) throw new OidcLoginError("invalid_response", "the provider sent no ID token");
        claims = { ...idClaims };
        // Providers that keep groups out of the ID token (the spec's default) serve them from
        // userinfo; fetchUserInfo insists on the ID token's subject.
        if (claimValues(claims, settings.roleClaim).length === 0 || claims.email === undefined) {
          const info = await oidc.fetchUserInfo(cfg, tokens.access_token, idClaims.sub);
          claims = { ...claims, ...info };
        }
      } catch (err) {
        if (err instanceof OidcLoginError) throw err;
        throw new OidcLoginError("invalid_response", `the provider's answer failed validation: ${(err as Error).message}`);
      }
      const sub = String(claims.sub);
      const email = typeof claims.email === "string" && claims.email.includes("@") ? claims.email.trim().toLowerCase() : null;
      const name = typeof claims.name === "string" ? claims.name : typeof claims.preferred_username === "string" ? claims.preferred_username : "";
      return {
        subject: `${cfg.serverMetadata().issuer} ${sub}`,
        email,
        name: name.slice(0, 200),
        role: roleFromClaims(claims, settings.roleClaim, roleMap),
        claimValues: claimValues(claims, settings.roleClaim).slice(0, 50),
      };
    },
  };
}

let configured: { key: string; client: OidcClient } | undefined;

/** This process's client for the configured provider, or null when SSO is not configured. */
export function oidcClientFor(settings: OidcSettings | null): OidcClient | null {
  if (!settings) return null;
  const key = JSON.stringify(settings);
  if (configured?.key !== key) configured = { key, client: createOidcClient(settings) };
  return configured.client;
}

/** Only same-site paths after sign-in: an open redirect is a phishing aid. */
export function safeReturnPath(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
