import http from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import Provider, { type Configuration } from "oidc-provider";

export interface TestAccount {
  email: string;
  name: string;
  groups: string[];
}

/** How the proxy in front of the provider tampers with the ID token of the next code exchange. */
export type IdTokenTamper = "none" | "forged" | "expired" | "wrong-audience";

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Accounts by login name; edit them between sign-ins (a group removed at the provider). */
  accounts: Map<string, TestAccount>;
  tamper: IdTokenTamper;
  close(): Promise<void>;
}

/**
 * A real, certified OpenID provider (panva's oidc-provider) on loopback, with its development
 * login screen (any password), consent granted up front, and a proxy in front of it that can
 * forge, expire or re-address the ID token it returns, so the tests can prove Flotilla's
 * client refuses each.
 */
export async function startOidcProvider(opts: { redirectUris: string[]; port?: number }): Promise<TestOidcProvider> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const rogue = (await generateKeyPair("RS256", { extractable: true })).privateKey;

  const front = http.createServer();
  await new Promise<void>((resolve) => front.listen(opts.port ?? 0, "127.0.0.1", resolve));
  const port = (front.address() as AddressInfo).port;
  const issuer = `http://localhost:${port}`;
  const clientId = "flotilla";
  const clientSecret = "flotilla-test-client-secret-0123456789";
  const accounts = new Map<string, TestAccount>();

  const config: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: opts.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ["test-cookie-key-0123456789abcdef"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"], groups: ["groups"] },
    scopes: ["openid", "email", "profile", "groups"],
    // Groups in the ID token, as Keycloak, Dex and Authentik can be set to do.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    async findAccount(_ctx, id) {
      const account = accounts.get(id);
      if (!account) return undefined;
      return { accountId: id, claims: () => ({ sub: id, email: account.email, email_verified: true, name: account.name, groups: [...account.groups] }) };
    },
    // No consent screen: the tests are about Flotilla's side of the flow.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (!accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope("openid email profile groups");
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, config);
  const handle = provider.callback();
  const inner = http.createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => inner.listen(0, "127.0.0.1", resolve));
  const innerPort = (inner.address() as AddressInfo).port;

  const state: TestOidcProvider = {
    issuer,
    clientId,
    clientSecret,
    accounts,
    tamper: "none",
    async close() {
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await new Promise<void>((resolve) => inner.close(() => resolve()));
    },
  };

  async function tamper(idToken: string): Promise<string> {
    const claims = decodeJwt(idToken);
    const now = Math.floor(Date.now() / 1000);
    switch (state.tamper) {
      case "forged":
        // Same claims and key id, signed by a key the provider never published.
        return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(rogue);
      case "expired":
        return new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 }).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(privateKey);
      case "wrong-audience":
        return new SignJWT({ ...claims, aud: "someone-else" }).setProtectedHeader({ alg: "RS256", kid: "test-key" }).sign(privateKey);
      default:
        return idToken;
    }
  }

  front.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const upstream = http.request({ host: "127.0.0.1", port: innerPort, method: req.method, path: req.url, headers: req.headers }, (up) => {
        const body: Buffer[] = [];
        up.on("data", (c: Buffer) => body.push(c));
        up.on("end", () => {
          void (async () => {
            let out = Buffer.concat(body);
            const headers = { ...up.headers };
            if (req.url?.startsWith("/token") && up.statusCode === 200 && state.tamper !== "none") {
              const json = JSON.parse(out.toString("utf8")) as { id_token?: string };
              if (json.id_token) json.id_token = await tamper(json.id_token);
              out = Buffer.from(JSON.stringify(json));
              delete headers["content-length"];
            }
            res.writeHead(up.statusCode ?? 502, headers).end(out);
          })();
        });
      });
      upstream.on("error", () => res.writeHead(502).end());
      upstream.end(Buffer.concat(chunks));
    });
  });
  return state;
}

/** A tiny cookie jar per origin, enough to walk a browser's redirects with fetch. */
export class CookieJar {
  private cookies = new Map<string, Map<string, string>>();
  store(url: string, res: Response): void {
    const origin = new URL(url).origin;
    const jar = this.cookies.get(origin) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    this.cookies.set(origin, jar);
  }
  header(url: string): string {
    const jar = this.cookies.get(new URL(url).origin);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join("; ") : "";
  }
  get(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).origin)?.get(name);
  }
}

/**
 * Walks the browser's part of a sign-in: Flotilla's start → the provider's login screen (any
 * password) → back to Flotilla's callback. Returns Flotilla's final redirect and the jar.
 */
export async function signInThroughProvider(flotilla: string, login: string, jar = new CookieJar()): Promise<{ location: string; jar: CookieJar }> {
  let url = `${flotilla}/api/v1/auth/oidc/start?next=/hosts`;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, { redirect: "manual", headers: { cookie: jar.header(url) } });
    jar.store(url, res);
    const location = res.headers.get("location");
    if (res.status === 200 && /\/interaction\//.test(url)) {
      // The provider's login form: post any password for the login name.
      const post = await fetch(url, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: jar.header(url), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ prompt: "login", login, password: "any" }),
      });
      jar.store(url, post);
      url = new URL(post.headers.get("location")!, url).href;
      continue;
    }
    if (!location) throw new Error(`sign-in stopped at ${url} with ${res.status}: ${await res.text()}`);
    const next = new URL(location, url).href;
    // Flotilla's own redirect after the callback ends the walk.
    if (url.startsWith(`${flotilla}/api/v1/auth/oidc/callback`)) return { location: next, jar };
    url = next;
  }
  throw new Error("too many redirects");
}
