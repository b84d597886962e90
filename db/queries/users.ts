import { and, asc, count, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { sessions, setupTokens, users } from "../schema/auth";
import { appendAudit, type Actor } from "./audit";
import { AppError } from "@/lib/errors";
import type { Role } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/password";
import { hashToken } from "@/lib/auth/tokens";
import { LOCK_KEYS } from "../locks";

export type UserRow = typeof users.$inferSelect;
/** A user as it may leave the server: never the password hash. */
export type PublicUser = Omit<UserRow, "passwordHash">;

export function publicUser(u: UserRow): PublicUser {
  const { passwordHash: _omit, ...rest } = u;
  return rest;
}

function auditView(u: UserRow) {
  return { email: u.email, name: u.name, role: u.role, disabled: u.disabledAt !== null };
}

export async function countUsers(db: Db): Promise<number> {
  const [r] = await db.select({ n: count() }).from(users);
  return r?.n ?? 0;
}

export async function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return u;
}

export async function listUsers(db: Db): Promise<PublicUser[]> {
  const rows = await db.select().from(users).orderBy(asc(users.email));
  return rows.map(publicUser);
}

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: Role;
}

export async function createUser(db: Db, actor: Actor, input: NewUser): Promise<PublicUser> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const email = input.email.trim().toLowerCase();
    const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email));
    if (existing) throw new AppError("conflict", `a user with e-mail ${email} exists`, [{ path: "email", message: "already in use" }]);
    const [u] = await tx.insert(users).values({ email, name: input.name, passwordHash, role: input.role }).returning();
    await appendAudit(tx, actor, { action: "user.create", targetType: "user", targetId: u!.id, after: auditView(u!) });
    return publicUser(u!);
  });
}

export interface UserPatch {
  name?: string;
  role?: Role;
  disabled?: boolean;
  password?: string;
}

export async function updateUser(db: Db, actor: Actor, id: string, patch: UserPatch): Promise<PublicUser> {
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  return db.transaction(async (tx) => {
    const [before] = await tx.select().from(users).where(eq(users.id, id)).for("update");
    if (!before) throw new AppError("not_found", "no such user");
    if (actor.userId === id && ((patch.role && patch.role !== "admin") || patch.disabled)) {
      throw new AppError("conflict", "admins cannot demote or disable themselves");
    }
    const [after] = await tx
      .update(users)
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.role ? { role: patch.role } : {}),
        ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? new Date() : null } : {}),
        ...(passwordHash ? { passwordHash } : {}),
        updatedAt: new Date(),
      })
      .where(eq(users.id, id))
      .returning();
    // A disabled user, a new role or a new password ends every session at once.
    if (patch.disabled || patch.password || (patch.role && patch.role !== before.role)) {
      await tx.delete(sessions).where(eq(sessions.userId, id));
    }
    await appendAudit(tx, actor, {
      action: "user.update",
      targetType: "user",
      targetId: id,
      before: auditView(before),
      after: { ...auditView(after!), ...(patch.password ? { passwordChanged: true } : {}) },
    });
    return publicUser(after!);
  });
}

/** Creates the first admin only while there are no users at all (concurrent starts included). */
export async function createFirstAdmin(db: Db, actor: Actor, input: Omit<NewUser, "role">): Promise<PublicUser | null> {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${LOCK_KEYS.firstAdmin})`);
    const [r] = await tx.select({ n: count() }).from(users);
    if ((r?.n ?? 0) > 0) return null;
    const email = input.email.trim().toLowerCase();
    const [u] = await tx.insert(users).values({ email, name: input.name, passwordHash, role: "admin" }).returning();
    await appendAudit(tx, actor, { action: "user.create_first_admin", targetType: "user", targetId: u!.id, after: auditView(u!) });
    return publicUser(u!);
  });
}

export async function createSetupToken(db: Db, token: string): Promise<void> {
  await db.insert(setupTokens).values({ tokenHash: hashToken(token) });
}

export async function isSetupTokenValid(db: Db, token: string): Promise<boolean> {
  const [row] = await db
    .select({ h: setupTokens.tokenHash })
    .from(setupTokens)
    .where(and(eq(setupTokens.tokenHash, hashToken(token)), isNull(setupTokens.usedAt), gt(setupTokens.createdAt, new Date(Date.now() - 24 * 3600_000))));
  return row !== undefined;
}

export async function consumeSetupToken(db: Db, token: string): Promise<void> {
  await db.update(setupTokens).set({ usedAt: new Date() }).where(eq(setupTokens.tokenHash, hashToken(token)));
}
