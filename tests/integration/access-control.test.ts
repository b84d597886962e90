import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createApiToken, revokeApiToken } from "@/db/queries/tokens";
import { createUser, updateUser } from "@/db/queries/users";
import { can, ROLES } from "@/lib/auth/permissions";
import { testDatabases } from "../helpers/databases";
import { concretePath, operatorOperations, type OperatorOperation } from "../helpers/openapi-routes";
import { signIn, useOperatorServer } from "../helpers/operators";

const operations = operatorOperations();
const guarded = operations.filter((op) => !op.open);
const writes = operations.filter((op) => op.method !== "GET");

interface Answer {
  status: number;
  json: unknown;
}

async function call(base: string, op: OperatorOperation, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(`${base}${concretePath(op)}`, {
    method: op.method,
    headers: { ...(op.method === "GET" ? {} : { "content-type": "application/json" }), ...headers },
    // An empty object: authorized callers get a validation error or a 404, never a change.
    ...(op.method === "GET" ? {} : { body: "{}" }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // exports stream CSV
  }
  return { status: res.status, json };
}

const errorCode = (a: Answer) => (a.json as { error?: { code?: string } } | null)?.error?.code;
const label = (op: OperatorOperation) => `${op.method} ${op.path}`;

describe("the OpenAPI document as the access-control inventory", () => {
  it("names a permission for every operation that is not explicitly open", () => {
    expect(guarded.length).toBeGreaterThan(40);
    const undocumented = guarded.filter((op) => !op.permission).map(label);
    expect(undocumented, "operations without x-permission (add permission to op(), or security: [] if public)").toEqual([]);
    // Open means: sign-in (local and single sign-on), sign-out and the one-time setup link. Nothing else may be.
    expect(operations.filter((op) => op.open).map(label).sort()).toEqual([
      "GET /api/v1/auth/oidc/callback",
      "GET /api/v1/auth/oidc/start",
      "POST /api/v1/auth/login",
      "POST /api/v1/auth/logout",
      "POST /api/v1/setup",
    ]);
  });
});

describe.each(testDatabases())("access control of every operator route on $name", (target) => {
  const t = useOperatorServer(target);

  it.each(guarded.map((op) => [label(op), op] as const))("%s: 401 anonymous, 403 without the permission, allowed with it", async (_name, op) => {
    const anonymous = await call(t.server.url, op, {});
    expect(anonymous.status, `anonymous ${label(op)}`).toBe(401);
    expect(errorCode(anonymous)).toBe("unauthorized");
    const forged = await call(t.server.url, op, { authorization: "Bearer fla_not-a-real-token-at-all-000000000000000000" });
    expect(forged.status, `forged token ${label(op)}`).toBe(401);

    for (const role of ROLES) {
      const a = await call(t.server.url, op, { authorization: `Bearer ${t.users[role].token}` });
      if (can(role, op.permission!)) {
        expect([401, 403], `${role} ${label(op)} answered ${a.status} ${JSON.stringify(a.json)}`).not.toContain(a.status);
        expect(a.status, `${role} ${label(op)}`).toBeLessThan(500);
        // A read without path parameters has nothing to be missing: it works, or names the query it needs.
        if (op.method === "GET" && op.pathParams.length === 0) expect([200, 400], `${role} ${label(op)} answered ${a.status}`).toContain(a.status);
      } else {
        expect(a.status, `${role} ${label(op)} answered ${a.status} ${JSON.stringify(a.json)}`).toBe(403);
        expect(errorCode(a)).toBe("forbidden");
      }
    }
  });

  it("refuses revoked tokens, disabled users and malformed Authorization headers", async () => {
    const db = t.database.db;
    const user = await createUser(db, SYSTEM_ACTOR, { email: "leaver@example.com", name: "Leaver", password: "leaver-password", role: "admin" });
    const a = await createApiToken(db, SYSTEM_ACTOR, { name: "leaver", userId: user.id, expiresAt: null });
    const b = await createApiToken(db, SYSTEM_ACTOR, { name: "leaver-2", userId: user.id, expiresAt: null });
    const me = (authorization: string) => fetch(`${t.server.url}/api/v1/me`, { headers: { authorization } }).then((r) => r.status);
    expect(await me(`Bearer ${a.token}`)).toBe(200);
    await revokeApiToken(db, SYSTEM_ACTOR, a.id);
    expect(await me(`Bearer ${a.token}`)).toBe(401);
    expect(await me(`Bearer ${b.token}`)).toBe(200);
    await updateUser(db, SYSTEM_ACTOR, user.id, { disabled: true });
    expect(await me(`Bearer ${b.token}`)).toBe(401);
    for (const h of ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer  ", `bearer ${t.users.admin.token}x`, `Bearer ${t.users.admin.token.slice(0, -1)}`, "Bearer ' OR 1=1 --"]) {
      expect(await me(h), h).toBe(401);
    }
    // An expired token.
    const expired = await createApiToken(db, SYSTEM_ACTOR, { name: "old", userId: t.users.admin.id, expiresAt: new Date(Date.now() - 1000) });
    expect(await me(`Bearer ${expired.token}`)).toBe(401);
  });
});

describe("cookie sessions", () => {
  const [pglite] = testDatabases();
  const t = useOperatorServer(pglite!);

  it("sets an HttpOnly, SameSite=Lax session cookie, Secure behind a TLS proxy, and clears it on sign-out", async () => {
    const plain = await signIn(t.server.url, t.users.operator.email, t.users.operator.password);
    expect(plain.setCookie).toMatch(/;\s*HttpOnly/i);
    expect(plain.setCookie).toMatch(/;\s*SameSite=Lax/i);
    expect(plain.setCookie).toMatch(/;\s*Path=\//i);
    expect(plain.setCookie).not.toMatch(/;\s*Secure/i);

    const tls = await fetch(`${t.server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
      body: JSON.stringify({ email: t.users.operator.email, password: t.users.operator.password }),
    });
    expect(tls.status).toBe(200);
    const secure = tls.headers.getSetCookie().find((c) => c.startsWith("flotilla_session="))!;
    expect(secure).toMatch(/;\s*Secure/i);
    expect(secure).toMatch(/;\s*HttpOnly/i);

    const me = () => fetch(`${t.server.url}/api/v1/me`, { headers: { cookie: plain.cookie } });
    expect((await me()).status).toBe(200);
    const out = await fetch(`${t.server.url}/api/v1/auth/logout`, { method: "POST", headers: { cookie: plain.cookie } });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join("\n")).toMatch(/flotilla_session=;/);
    // The session is gone on the server, not only in the browser.
    expect((await me()).status).toBe(401);
  });

  it("refuses cross-site writes carried by the cookie on every write route, and sign-in itself", async () => {
    const { cookie } = await signIn(t.server.url, t.users.admin.email, t.users.admin.password);
    const host = new URL(t.server.url).host;
    const crossSite: Array<Record<string, string>> = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site", origin: `http://${host}` },
      { origin: `http://${host}.evil.example` },
    ];
    for (const op of writes) {
      for (const headers of crossSite) {
        const a = await call(t.server.url, op, { cookie, ...headers });
        expect(a.status, `${label(op)} with ${JSON.stringify(headers)}`).toBe(403);
        expect((a.json as { error: { message: string } }).error.message).toMatch(/cross-site/);
      }
      // Same origin passes the check (and then meets validation or a 404, never a 403).
      const same = await call(t.server.url, op, { cookie, origin: `http://${host}`, "sec-fetch-site": "same-origin" });
      expect(same.status, `${label(op)} same-origin`).not.toBe(403);
    }
    // API tokens are not ambient credentials: a bearer call with a foreign Origin is fine.
    const bearer = await fetch(`${t.server.url}/api/v1/groups`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.users.operator.token}`, origin: "https://ci.example", "content-type": "application/json" },
      body: JSON.stringify({ id: "from-ci", description: "" }),
    });
    expect(bearer.status).toBe(201);
  });

  it("locks an e-mail after five failed sign-ins, whatever the case of the address, even for the right password", async () => {
    const db = t.database.db;
    await createUser(db, SYSTEM_ACTOR, { email: "target@example.com", name: "Target", password: "right-password-123", role: "viewer" });
    const attempt = (email: string, password: string) =>
      fetch(`${t.server.url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
    const statuses: number[] = [];
    for (const email of ["target@example.com", "TARGET@example.com", "Target@Example.com", "tArGeT@example.com", "target@EXAMPLE.com"]) {
      const r = await attempt(email, "wrong-password");
      statuses.push(r.status);
    }
    // Four plain refusals, the fifth failure locks.
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses[4]).toBe(429);
    const locked = await attempt("target@example.com", "right-password-123");
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(60);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
    expect(locked.headers.getSetCookie()).toEqual([]);
    // Unknown e-mails are throttled the same way (no user enumeration by lockout behaviour).
    const ghost: number[] = [];
    for (let i = 0; i < 6; i++) ghost.push((await attempt("nobody@example.com", "wrong-password")).status);
    expect(ghost).toEqual([401, 401, 401, 401, 429, 429]);
  });
});

describe("agent endpoints", () => {
  const [pglite] = testDatabases();
  const t = useOperatorServer(pglite!, { env: { FLOTILLA_ENROLLMENT_TOKEN: "agent-enrollment-token-0123456789" } });

  it("refuse reports without a valid enrollment token, and operator credentials are not enrollment tokens", async () => {
    const body = JSON.stringify({ machineId: "ab".repeat(16), os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, state: "idle" });
    const post = (authorization?: string) =>
      fetch(`${t.server.url}/v1/agent/report`, { method: "POST", headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body });
    for (const auth of [undefined, "Bearer nope", `Bearer ${t.users.admin.token}`, "Basic YWdlbnQ6YWdlbnQ="]) {
      const r = await post(auth);
      expect(r.status, String(auth)).toBe(401);
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    }
    expect((await post("Bearer agent-enrollment-token-0123456789")).status).toBe(200);
    // Operator API credentials do not work the other way round either.
    expect((await fetch(`${t.server.url}/api/v1/hosts`, { headers: { authorization: "Bearer agent-enrollment-token-0123456789" } })).status).toBe(401);
  });
});
