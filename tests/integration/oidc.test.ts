import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "@/db/queries/audit";
import { users } from "@/db/schema/auth";
import { testDatabases } from "../helpers/databases";
import { useOperatorServer } from "../helpers/operators";
import { CookieJar, signInThroughProvider, startOidcProvider, type TestOidcProvider } from "../helpers/oidc-provider";

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

// The operator routes read their settings from the process environment (env()), so the
// provider and Flotilla addresses are fixed before any route runs.
const [providerPort, flotillaPort] = await Promise.all([freePort(), freePort()]);
const FLOTILLA = `http://127.0.0.1:${flotillaPort}`;
Object.assign(process.env, {
  FLOTILLA_PUBLIC_URL: FLOTILLA,
  FLOTILLA_OIDC_ISSUER: `http://localhost:${providerPort}`,
  FLOTILLA_OIDC_CLIENT_ID: "flotilla",
  FLOTILLA_OIDC_CLIENT_SECRET: "flotilla-test-client-secret-0123456789",
  FLOTILLA_OIDC_SCOPES: "openid email profile groups",
  FLOTILLA_OIDC_ROLE_MAP: "flotilla-admins=admin,sre=operator,release-managers=approver,staff=viewer",
});

let provider: TestOidcProvider;
beforeAll(async () => {
  provider = await startOidcProvider({ port: providerPort, redirectUris: [`${FLOTILLA}/api/v1/auth/oidc/callback`] });
});
afterAll(async () => {
  await provider?.close();
});

describe.each(testDatabases())("single sign-on through a real OpenID provider on $name", (target) => {
  const ctx = useOperatorServer(target, { env: { PORT: String(flotillaPort) } });

  async function me(jar: CookieJar): Promise<{ status: number; body: { email?: string; role?: string } }> {
    const res = await fetch(`${FLOTILLA}/api/v1/me`, { headers: { cookie: jar.header(FLOTILLA) } });
    return { status: res.status, body: res.status === 200 ? ((await res.json()) as { email: string; role: string }) : {} };
  }

  it("signs a person in with the role their groups map to, creating the user once", async () => {
    provider.tamper = "none";
    provider.accounts.set(`alice-${target.name}`, { email: `alice-${target.name}@corp.example`, name: "Alice", groups: ["staff", "sre"] });
    const { location, jar } = await signInThroughProvider(FLOTILLA, `alice-${target.name}`);
    expect(new URL(location).pathname).toBe("/hosts");
    expect(jar.get(FLOTILLA, "flotilla_session")).toBeTruthy();
    expect(await me(jar)).toMatchObject({ status: 200, body: { email: `alice-${target.name}@corp.example`, role: "operator" } });

    // Again: the same user, not a second one.
    await signInThroughProvider(FLOTILLA, `alice-${target.name}`);
    const rows = await ctx.database.db.select().from(users).where(eq(users.email, `alice-${target.name}@corp.example`));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.oidcSubject).toBe(`${process.env.FLOTILLA_OIDC_ISSUER} alice-${target.name}`);
    // No password signs this account in locally.
    const local = await fetch(`${FLOTILLA}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: `alice-${target.name}@corp.example`, password: "" }) });
    expect(local.status).toBe(400);
    const audit = await listAudit(ctx.database.db, { limit: 20 });
    expect(audit.items.find((r) => r.action === "user.create" && r.actorEmail === `alice-${target.name}@corp.example`)?.after).toMatchObject({ role: "operator", via: "oidc" });
  });

  it("follows the provider at every sign-in: a promotion takes effect, a removed group loses access and ends sessions", async () => {
    provider.tamper = "none";
    const login = `bob-${target.name}`;
    provider.accounts.set(login, { email: `${login}@corp.example`, name: "Bob", groups: ["staff"] });
    const first = await signInThroughProvider(FLOTILLA, login);
    expect((await me(first.jar)).body.role).toBe("viewer");

    provider.accounts.set(login, { email: `${login}@corp.example`, name: "Bob", groups: ["staff", "flotilla-admins"] });
    const second = await signInThroughProvider(FLOTILLA, login);
    expect((await me(second.jar)).body.role).toBe("admin");
    // The role changed, so the older session (issued as viewer) is gone.
    expect((await me(first.jar)).status).toBe(401);

    provider.accounts.set(login, { email: `${login}@corp.example`, name: "Bob", groups: ["marketing"] });
    const third = await signInThroughProvider(FLOTILLA, login);
    expect(new URL(third.location).pathname).toBe("/login");
    expect(new URL(third.location).searchParams.get("sso_error")).toMatch(/grants you no Flotilla role/);
    expect(third.jar.get(FLOTILLA, "flotilla_session")).toBeUndefined();
    // The admin session from before is ended too.
    expect((await me(second.jar)).status).toBe(401);
    const denied = (await listAudit(ctx.database.db, { limit: 50 })).items.find((r) => r.action === "auth.sso_denied" && r.actorEmail === `${login}@corp.example`);
    expect(denied?.after).toMatchObject({ reason: "no mapped role", claimValues: ["marketing"], sessionsEnded: true });
    const promoted = (await listAudit(ctx.database.db, { limit: 50 })).items.find((r) => r.action === "user.update" && r.actorEmail === `${login}@corp.example`);
    expect(promoted).toMatchObject({ before: { role: "viewer" }, after: { role: "admin", via: "oidc" } });
  });

  it.each(["forged", "expired", "wrong-audience"] as const)("refuses an ID token that is %s", async (tamper) => {
    const login = `mallory-${tamper}-${target.name}`;
    provider.accounts.set(login, { email: `${login}@corp.example`, name: "Mallory", groups: ["flotilla-admins"] });
    provider.tamper = tamper;
    try {
      const { location, jar } = await signInThroughProvider(FLOTILLA, login);
      expect(new URL(location).pathname).toBe("/login");
      expect(new URL(location).searchParams.get("sso_error")).toMatch(/not valid; sign-in refused/);
      expect(jar.get(FLOTILLA, "flotilla_session")).toBeUndefined();
      const rows = await ctx.database.db.select().from(users).where(eq(users.email, `${login}@corp.example`));
      expect(rows).toHaveLength(0);
    } finally {
      provider.tamper = "none";
    }
  });

  it("refuses a replayed or unknown callback, and never takes over a local account with the same e-mail", async () => {
    const replay = await fetch(`${FLOTILLA}/api/v1/auth/oidc/callback?code=abc&state=def`, { redirect: "manual", headers: { cookie: "flotilla_oidc=made-up" } });
    expect(replay.status).toBe(303);
    expect(new URL(replay.headers.get("location")!, FLOTILLA).searchParams.get("sso_error")).toMatch(/took too long or was already used/);

    // The break-glass admin is a local account; an SSO identity with that e-mail is refused.
    const local = ctx.users.admin.email;
    provider.accounts.set("impostor", { email: local, name: "Impostor", groups: ["flotilla-admins"] });
    const { location } = await signInThroughProvider(FLOTILLA, "impostor");
    expect(new URL(location).searchParams.get("sso_error")).toMatch(/a local account uses/);
    const [row] = await ctx.database.db.select().from(users).where(eq(users.email, local));
    expect(row!.oidcSubject).toBeNull();
  });
});
