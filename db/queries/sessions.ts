import { and, eq, gt, isNull, lt, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { apiTokens, sessions, users } from "../schema/auth";
import type { Role } from "@/lib/auth/permissions";
import { hashToken, newToken } from "@/lib/auth/tokens";

export interface Principal {
  userId: string;
  email: string;
  name: string;
  role: Role;
  via: "session" | "api_token";
  sessionId?: string;
  /** For an API token: which token, and who minted it (an admin may mint tokens for others). */
  token?: { id: string; createdBy: string | null };
}

export async function createSession(
  db: Db,
  userId: string,
  ttlMs: number,
  meta: { clientAddr: string | null; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken("session");
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.transaction(async (tx) => {
    await tx.insert(sessions).values({ id: hashToken(token), userId, expiresAt, clientAddr: meta.clientAddr, userAgent: meta.userAgent?.slice(0, 256) ?? null });
    await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, userId));
    // Expired sessions are removed lazily here rather than by a separate job.
    await tx.delete(sessions).where(lt(sessions.expiresAt, new Date()));
  });
  return { token, expiresAt };
}

export async function principalFromSession(db: Db, token: string): Promise<Principal | null> {
  const id = hashToken(token);
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, new Date()), isNull(users.disabledAt)));
  return row ? { ...row, via: "session", sessionId: id } : null;
}

const tokenCreator = alias(users, "token_creator");

export async function principalFromApiToken(db: Db, token: string): Promise<Principal | null> {
  const [row] = await db
    .select({ userId: users.id, email: users.email, name: users.name, role: users.role, tokenId: apiTokens.id, createdBy: tokenCreator.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .leftJoin(tokenCreator, eq(tokenCreator.id, apiTokens.createdBy))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(token)),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date())),
        isNull(users.disabledAt),
      ),
    );
  if (!row) return null;
  const { tokenId, createdBy, ...user } = row;
  return { ...user, via: "api_token", token: { id: tokenId, createdBy } };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, hashToken(token)));
}
