import { and, desc, eq, gt, isNull, or } from "drizzle-orm";
import type { Db } from "../client";
import { apiTokens, enrollmentTokens, users } from "../schema/auth";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import { hashToken, newToken, tokenHint } from "@/lib/auth/tokens";

const enrollmentColumns = {
  id: enrollmentTokens.id,
  name: enrollmentTokens.name,
  hint: enrollmentTokens.hint,
  createdAt: enrollmentTokens.createdAt,
  expiresAt: enrollmentTokens.expiresAt,
  revokedAt: enrollmentTokens.revokedAt,
};

export async function listEnrollmentTokens(db: Db) {
  return db.select(enrollmentColumns).from(enrollmentTokens).orderBy(desc(enrollmentTokens.createdAt));
}

/** Returns the token in clear exactly once; only its hash is stored. */
export async function createEnrollmentToken(db: Db, actor: Actor, input: { name: string; expiresAt: Date | null }) {
  const token = newToken("enrollment");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(enrollmentTokens)
      .values({ name: input.name, tokenHash: hashToken(token), hint: tokenHint(token), createdBy: actor.userId, expiresAt: input.expiresAt })
      .returning(enrollmentColumns);
    await appendAudit(tx, actor, { action: "enrollment_token.create", targetType: "enrollment_token", targetId: row!.id, after: { name: row!.name, hint: row!.hint, expiresAt: row!.expiresAt } });
    return { ...row!, token };
  });
}

export async function revokeEnrollmentToken(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select(enrollmentColumns).from(enrollmentTokens).where(eq(enrollmentTokens.id, id)).for("update");
    if (!before) throw new AppError("not_found", "no such enrollment token");
    if (before.revokedAt) return before;
    const [after] = await tx.update(enrollmentTokens).set({ revokedAt: new Date() }).where(eq(enrollmentTokens.id, id)).returning(enrollmentColumns);
    await appendAudit(tx, actor, { action: "enrollment_token.revoke", targetType: "enrollment_token", targetId: id, before: { name: before.name, revoked: false }, after: { name: before.name, revoked: true } });
    return after!;
  });
}

/** Hashes of every enrollment token an agent may use now (the hot path caches this). */
export async function activeEnrollmentTokenHashes(db: Db): Promise<string[]> {
  const rows = await db
    .select({ h: enrollmentTokens.tokenHash })
    .from(enrollmentTokens)
    .where(and(isNull(enrollmentTokens.revokedAt), or(isNull(enrollmentTokens.expiresAt), gt(enrollmentTokens.expiresAt, new Date()))));
  return rows.map((r) => r.h);
}

const apiColumns = {
  id: apiTokens.id,
  name: apiTokens.name,
  hint: apiTokens.hint,
  userId: apiTokens.userId,
  userEmail: users.email,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
};

export async function listApiTokens(db: Db) {
  return db.select(apiColumns).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).orderBy(desc(apiTokens.createdAt));
}

export async function createApiToken(db: Db, actor: Actor, input: { name: string; userId: string; expiresAt: Date | null }) {
  const token = newToken("api");
  return db.transaction(async (tx) => {
    const [owner] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.id, input.userId));
    if (!owner) throw new AppError("bad_request", "invalid request: userId: no such user", [{ path: "userId", message: "no such user" }]);
    const [row] = await tx
      .insert(apiTokens)
      .values({ name: input.name, tokenHash: hashToken(token), hint: tokenHint(token), userId: owner.id, createdBy: actor.userId, expiresAt: input.expiresAt })
      .returning({ id: apiTokens.id, name: apiTokens.name, hint: apiTokens.hint, createdAt: apiTokens.createdAt, expiresAt: apiTokens.expiresAt });
    await appendAudit(tx, actor, { action: "api_token.create", targetType: "api_token", targetId: row!.id, after: { name: row!.name, hint: row!.hint, user: owner.email, expiresAt: row!.expiresAt } });
    return { ...row!, userId: owner.id, userEmail: owner.email, token };
  });
}

export async function revokeApiToken(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ id: apiTokens.id, name: apiTokens.name, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.id, id)).for("update");
    if (!before) throw new AppError("not_found", "no such API token");
    if (!before.revokedAt) {
      await tx.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, id));
      await appendAudit(tx, actor, { action: "api_token.revoke", targetType: "api_token", targetId: id, before: { name: before.name, revoked: false }, after: { name: before.name, revoked: true } });
    }
  });
}
