import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { can } from "@/lib/auth/permissions";
import { concretePath, operatorOperations } from "../helpers/openapi-routes";
import { spawnOperatorServer, type ServerProcess } from "../helpers/processes";

const ADMIN = { email: "root@example.com", password: "admin-secret-password-1" };
const ENROLLMENT = "env-enrollment-secret-0123456789";
const IGNITION_PASSWORD_HASH = "$6$rounds=4096$saltsaltsalt$ignitionhashsecretvalue0123456789";
const IGNITION_HEADER = "Bearer ignition-header-secret-0123";
const IGNITION_FILE = "private-file-secret-0123";
const HOST = "5ec2e75ec2e75ec2e75ec2e75ec2e75e";

const config = JSON.stringify({
  ignition: { version: "3.3.0", config: { merge: [{ source: "https://config.example/base.ign", httpHeaders: [{ name: "Authorization", value: IGNITION_HEADER }] }] } },
  passwd: { users: [{ name: "core", passwordHash: IGNITION_PASSWORD_HASH }] },
  storage: { files: [{ path: "/etc/secret", mode: 384, contents: { source: `data:,${IGNITION_FILE}` } }] },
});

// Secrets (passwords, their hashes, session/API/enrollment tokens, Ignition secrets) must never
// reach a viewer's answers nor the JSON log, whatever happens: sign-ins good and bad, token
// creation, password changes, agent reports, Ignition fetches, refused requests.
describe("secrets stay out of viewer answers and the log", () => {
  let dir: string;
  let server: ServerProcess;
  const secrets: string[] = [ADMIN.password, ENROLLMENT, IGNITION_PASSWORD_HASH, IGNITION_HEADER, IGNITION_FILE];
  const viewerBodies: string[] = [];
  let viewerToken = "";

  const call = async (method: string, p: string, opts: { token?: string; cookie?: string; body?: unknown } = {}) => {
    const res = await fetch(`${server.url}${p}`, {
      method,
      headers: { "content-type": "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.cookie ? { cookie: opts.cookie } : {}) },
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
    });
    return { status: res.status, text: await res.text(), setCookie: res.headers.getSetCookie() };
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "flotilla-secrets-"));
    server = await spawnOperatorServer({ FLOTILLA_DATA_DIR: path.join(dir, "data"), FLOTILLA_ADMIN_EMAIL: ADMIN.email, FLOTILLA_ADMIN_PASSWORD: ADMIN.password, FLOTILLA_ENROLLMENT_TOKEN: ENROLLMENT, LOG_LEVEL: "trace" });

    const login = await call("POST", "/api/v1/auth/login", { body: ADMIN });
    expect(login.status).toBe(200);
    const cookie = login.setCookie[0]!.split(";")[0]!;
    secrets.push(cookie.split("=")[1]!);
    const headers = { cookie };

    const users: Record<string, string> = {};
    for (const role of ["viewer", "operator"]) {
      const password = `${role}-secret-password-1`;
      secrets.push(password);
      const created = await call("POST", "/api/v1/users", { ...headers, body: { email: `${role}@example.com`, name: role, password, role } });
      expect(created.status).toBe(201);
      users[role] = (JSON.parse(created.text) as { id: string }).id;
    }
    const changed = "viewer-changed-password-2";
    secrets.push(changed);
    expect((await call("PATCH", `/api/v1/users/${users.viewer}`, { ...headers, body: { password: changed } })).status).toBe(200);
    for (const [email, password] of [["viewer@example.com", "wrong-password-attempt"], ["nobody@example.com", "another-wrong-one"], ["viewer@example.com", changed]]) {
      await call("POST", "/api/v1/auth/login", { body: { email, password } });
    }

    const api = await call("POST", "/api/v1/api-tokens", { ...headers, body: { name: "viewer-robot", userId: users.viewer } });
    expect(api.status).toBe(201);
    viewerToken = (JSON.parse(api.text) as { token: string }).token;
    secrets.push(viewerToken);
    const enrollment = await call("POST", "/api/v1/enrollment-tokens", { ...headers, body: { name: "site" } });
    const siteToken = (JSON.parse(enrollment.text) as { token: string }).token;
    secrets.push(siteToken);

    expect((await call("POST", "/api/v1/ignition/configs", { ...headers, body: { id: "secret-config", format: "ignition", source: config, message: "with secrets" } })).status).toBe(201);
    expect((await call("POST", "/api/v1/ignition/configs/secret-config/versions", { ...headers, body: { format: "ignition", source: config.replace("0123", "4567"), message: "v2" } })).status).toBe(201);
    secrets.push(IGNITION_FILE.replace("0123", "4567"));
    expect((await call("POST", "/api/v1/ignition/configs/secret-config/publish", { ...headers, body: { version: 1 } })).status).toBe(200);
    expect((await call("POST", "/api/v1/ignition/assignments", { ...headers, body: { name: "all", configId: "secret-config", selectors: {} } })).status).toBe(201);

    // Agents, with good and bad credentials; a host fetching its (secret-bearing) config.
    for (const token of [ENROLLMENT, siteToken, "wrong-token", viewerToken]) {
      await fetch(`${server.url}/v1/agent/report`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ machineId: HOST, os: { family: "flatcar", version: "4081.2.0", arch: "amd64" }, state: "idle" }),
      });
    }
    // A config holding secrets is served only through its assignment's capability URL, never by
    // selectors; the capability token is a secret itself and must stay out of the log too.
    expect((await fetch(`${server.url}/ignition?uuid=${HOST}`)).status).toBe(404);
    const assignments = JSON.parse((await call("GET", "/api/v1/ignition/assignments", headers)).text) as { items: Array<{ name: string; token?: string }> };
    const capability = assignments.items.find((a) => a.name === "all")?.token;
    expect(capability).toBeTruthy();
    secrets.push(capability!);
    expect((await fetch(`${server.url}/ignition/a/${capability}`)).status).toBe(200);
    // Refused requests that carry secrets in headers and bodies.
    await call("GET", "/api/v1/users", { token: viewerToken });
    await call("POST", "/api/v1/users", { token: viewerToken, body: { email: "x@example.com", name: "x", password: ADMIN.password, role: "admin" } });
    await call("POST", "/api/v1/setup", { body: { token: siteToken, email: "y@example.com", name: "y", password: ADMIN.password } });

    // Everything a viewer may read, with real ids where the route takes one.
    for (const op of operatorOperations()) {
      if (op.method !== "GET" || !op.permission || !can("viewer", op.permission)) continue;
      const values = { id: op.path.startsWith("/api/v1/hosts") ? HOST : op.path.startsWith("/api/v1/channels") ? "stable" : "x", name: "secret-config", version: "2" };
      const query = op.path.endsWith("/diff") ? "?from=1&to=2" : "";
      const res = await call("GET", `${concretePath(op, values)}${query}`, { token: viewerToken });
      expect(res.status, `${op.path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
      viewerBodies.push(`${op.path}\n${res.text}`);
    }
    await call("POST", "/api/v1/auth/logout", { cookie });
  });

  afterAll(async () => {
    await server?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("viewers see configs, audit entries and users without any secret", () => {
    expect(viewerBodies.length).toBeGreaterThan(15);
    const all = viewerBodies.join("\n");
    // The viewer did read the config version and the audit log (not just 404s).
    expect(all).toContain("[redacted]");
    expect(all).toContain("ignition.save");
    for (const secret of [...secrets, "$argon2id$", "passwordHash\":\"$"]) {
      const hit = viewerBodies.find((b) => b.includes(secret));
      expect(hit?.split("\n")[0], `viewer answer contains ${JSON.stringify(secret.slice(0, 12))}…`).toBeUndefined();
    }
  });

  it("the log holds none of them, at trace level", () => {
    const log = server.output();
    expect(log).toContain('"msg":"Flotilla listening"');
    expect(log).toContain("created the first admin");
    for (const secret of [...secrets, "$argon2id$"]) {
      const line = log.split("\n").find((l) => l.includes(secret));
      expect(line, `log line contains ${JSON.stringify(secret.slice(0, 12))}…`).toBeUndefined();
    }
  });
});
