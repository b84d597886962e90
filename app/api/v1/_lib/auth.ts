import { cookies, headers } from "next/headers";
import { getDb } from "@/db/client";
import type { Actor } from "@/db/queries/audit";
import { principalFromApiToken, principalFromSession, type Principal } from "@/db/queries/sessions";

export const SESSION_COOKIE = "flotilla_session";

/** The caller of an operator request: a session cookie or an API bearer token. */
export async function resolvePrincipal(authorization: string | null, sessionToken: string | undefined): Promise<Principal | null> {
  const db = await getDb();
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  if (bearer) return principalFromApiToken(db, bearer);
  if (sessionToken) return principalFromSession(db, sessionToken);
  return null;
}

/** For server components: the signed-in user, or null. */
export async function currentPrincipal(): Promise<Principal | null> {
  const jar = await cookies();
  const h = await headers();
  return resolvePrincipal(h.get("authorization"), jar.get(SESSION_COOKIE)?.value);
}

export function actorOf(p: Principal, clientAddr: string | null): Actor {
  return { userId: p.userId, email: p.email, role: p.role, via: p.via, clientAddr, ...(p.token ? { token: p.token } : {}) };
}
