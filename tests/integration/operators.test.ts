import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { appendAudit, listAudit, SYSTEM_ACTOR, verifyAuditChain, type Actor } from "@/db/queries/audit";
import { createSession, principalFromApiToken, principalFromSession } from "@/db/queries/sessions";
import { createApiToken, createEnrollmentToken, listApiTokens, revokeApiToken, revokeEnrollmentToken } from "@/db/queries/tokens";
import { countUsers, createFirstAdmin, createUser, findUserByEmail, updateUser } from "@/db/queries/users";
import { verifyPassword } from "@/lib/auth/password";
import { testDatabases } from "../helpers/databases";

describe.each(testDatabases())("users, sessions, tokens and the audit log on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  let admin: Actor;

  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("creates the first admin once, even when two starts race", async () => {
    const input = { email: "Admin@Example.com", name: "Admin", password: "correct-horse-battery" };
    const [a, b] = await Promise.all([createFirstAdmin(database.db, SYSTEM_ACTOR, input), createFirstAdmin(database.db, SYSTEM_ACTOR, input)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    expect(await countUsers(database.db)).toBe(1);
    const row = await findUserByEmail(database.db, "admin@example.com");
    expect(row?.role).toBe("admin");
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(row!.passwordHash, "correct-horse-battery")).toBe(true);
    expect(await verifyPassword(row!.passwordHash, "wrong")).toBe(false);
    admin = { userId: row!.id, email: row!.email, role: "admin", via: "session", clientAddr: "10.0.0.1" };
  });

  it("writes an audit row with actor, before and after for each admin mutation", async () => {
    const viewer = await createUser(database.db, admin, { email: "viewer@example.com", name: "Vi", password: "viewer-password", role: "viewer" });
    expect(viewer).not.toHaveProperty("passwordHash");
    await updateUser(database.db, admin, viewer.id, { role: "operator" });
    const token = await createEnrollmentToken(database.db, admin, { name: "berlin", expiresAt: null });
    await revokeEnrollmentToken(database.db, admin, token.id);
    const api = await createApiToken(database.db, admin, { name: "ci", userId: viewer.id, expiresAt: null });
    await revokeApiToken(database.db, admin, api.id);

    const { items } = await listAudit(database.db, { actor: "admin@example.com", limit: 50 });
    expect(items.map((r) => r.action).reverse()).toEqual([
      "user.create",
      "user.update",
      "enrollment_token.create",
      "enrollment_token.revoke",
      "api_token.create",
      "api_token.revoke",
    ]);
    const update = items.find((r) => r.action === "user.update")!;
    expect(update).toMatchObject({ actorEmail: "admin@example.com", actorRole: "admin", clientAddr: "10.0.0.1", targetType: "user", targetId: viewer.id });
    expect(update.before).toMatchObject({ role: "viewer" });
    expect(update.after).toMatchObject({ role: "operator" });
    // Secrets never reach the audit log.
    const dump = JSON.stringify(items);
    expect(dump).not.toContain(token.token);
    expect(dump).not.toContain(api.token);
    expect(dump).not.toContain("viewer-password");
    expect(dump).not.toContain("$argon2id$");
  });

  it("a failed mutation leaves no audit row (same transaction)", async () => {
    const before = (await listAudit(database.db, { limit: 500 })).items.length;
    await expect(createUser(database.db, admin, { email: "viewer@example.com", name: "Dup", password: "another-password", role: "viewer" })).rejects.toMatchObject({ code: "conflict" });
    expect((await listAudit(database.db, { limit: 500 })).items.length).toBe(before);
  });

  it("sessions and API tokens resolve to their user until expired, revoked or disabled", async () => {
    const user = await createUser(database.db, admin, { email: "op@example.com", name: "Op", password: "operator-password", role: "operator" });
    const s = await createSession(database.db, user.id, 60_000, { clientAddr: null, userAgent: "test" });
    expect(await principalFromSession(database.db, s.token)).toMatchObject({ email: "op@example.com", role: "operator", via: "session" });
    const expired = await createSession(database.db, user.id, -1, { clientAddr: null, userAgent: null });
    expect(await principalFromSession(database.db, expired.token)).toBeNull();
    const api = await createApiToken(database.db, admin, { name: "robot", userId: user.id, expiresAt: null });
    expect(await principalFromApiToken(database.db, api.token)).toMatchObject({ email: "op@example.com", via: "api_token" });
    expect((await listApiTokens(database.db)).find((t) => t.id === api.id)).not.toHaveProperty("tokenHash");
    await updateUser(database.db, admin, user.id, { disabled: true });
    expect(await principalFromSession(database.db, s.token)).toBeNull();
    expect(await principalFromApiToken(database.db, api.token)).toBeNull();
  });

  it("admins cannot demote or disable themselves", async () => {
    await expect(updateUser(database.db, admin, admin.userId!, { role: "viewer" })).rejects.toMatchObject({ code: "conflict" });
    await expect(updateUser(database.db, admin, admin.userId!, { disabled: true })).rejects.toMatchObject({ code: "conflict" });
  });

  it("concurrent appends keep one unbroken hash chain", async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        database.db.transaction((tx) => appendAudit(tx, admin, { action: "test.concurrent", targetType: "test", targetId: String(i) })),
      ),
    );
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it("an altered or deleted audit row breaks verification at that row", async () => {
    const { items } = await listAudit(database.db, { action: "test.concurrent", limit: 100 });
    const victim = items[10]!;
    await database.db.execute(sql`UPDATE audit_log SET reason = 'edited' WHERE id = ${victim.id}`);
    expect(await verifyAuditChain(database.db, 7)).toMatchObject({ ok: false, brokenAt: victim.id, problem: "content_altered" });
    await database.db.execute(sql`UPDATE audit_log SET reason = NULL WHERE id = ${victim.id}`);
    expect(await verifyAuditChain(database.db, 7)).toMatchObject({ ok: true });
    await database.db.execute(sql`DELETE FROM audit_log WHERE id = ${victim.id}`);
    const next = items[9]!; // newest-first list: the row after the deleted one
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: next.id, problem: "link_broken" });
  });
});
