import { afterAll, beforeAll } from "vitest";
import type { Database } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createApiToken } from "@/db/queries/tokens";
import { createUser } from "@/db/queries/users";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { parseEnv } from "@/lib/config/env";
import { startServer, type RunningServer } from "@/server/app";
import type { TestDatabase } from "./databases";
import { operatorRouteHandler } from "./operator-routes";

export interface RoleUser {
  id: string;
  email: string;
  password: string;
  /** An API token acting as this user (`Authorization: Bearer …`). */
  token: string;
}

/** One user per role, each with an API token, created straight in the database. */
export async function createRoleUsers(db: Database["db"], tag = "rbac"): Promise<Record<Role, RoleUser>> {
  const out = {} as Record<Role, RoleUser>;
  for (const role of ROLES) {
    const email = `${role}-${tag}@example.com`;
    const password = `${role}-password-${tag}`;
    const user = await createUser(db, SYSTEM_ACTOR, { email, name: role, password, role });
    const { token } = await createApiToken(db, SYSTEM_ACTOR, { name: `${role}-${tag}`, userId: user.id, expiresAt: null });
    out[role] = { id: user.id, email, password, token };
  }
  return out;
}

export interface OperatorTestServer {
  database: Database & { dispose(): Promise<void> };
  server: RunningServer;
  users: Record<Role, RoleUser>;
}

/**
 * Like useTestServer, but the server also answers the operator API (its route modules,
 * no Next build), and there is one user per role with an API token.
 */
export function useOperatorServer(target: TestDatabase, opts: { env?: Record<string, string>; seed?: (db: Database["db"]) => Promise<void> } = {}): OperatorTestServer {
  const ctx = {} as OperatorTestServer;
  beforeAll(async () => {
    ctx.database = await target.open();
    ctx.users = await createRoleUsers(ctx.database.db);
    await opts.seed?.(ctx.database.db);
    ctx.server = await startServer({
      env: parseEnv({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...opts.env }),
      ui: false,
      database: ctx.database,
      fallback: operatorRouteHandler(),
    });
  });
  afterAll(async () => {
    await ctx.server?.close();
    await ctx.database?.dispose();
  });
  return ctx;
}

/** Signs in through the API and returns the `name=value` of the session cookie. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<{ cookie: string; setCookie: string }> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (res.status !== 200) throw new Error(`sign-in as ${email} answered ${res.status}: ${await res.text()}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("flotilla_session=")) ?? "";
  return { cookie: setCookie.split(";")[0]!, setCookie };
}
