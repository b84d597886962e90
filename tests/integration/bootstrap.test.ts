import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Database } from "@/db/client";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { consumeSetupToken, countUsers, createFirstAdmin, findUserByEmail, isSetupTokenValid } from "@/db/queries/users";
import { parseEnv } from "@/lib/config/env";
import { bootstrapAdmin } from "@/server/bootstrap";
import { testDatabases } from "../helpers/databases";

describe.each(testDatabases())("first start on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("without admin variables prints a one-time setup link that creates the first admin once", async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      await bootstrapAdmin(database.db, parseEnv({}), "http://flotilla.test");
    } finally {
      spy.mockRestore();
    }
    const link = /http:\/\/flotilla\.test\/setup\?token=(\S+)/.exec(printed.join(""));
    expect(link).not.toBeNull();
    const token = decodeURIComponent(link![1]!);
    expect(await isSetupTokenValid(database.db, token)).toBe(true);
    expect(await isSetupTokenValid(database.db, `${token}x`)).toBe(false);
    expect(await createFirstAdmin(database.db, SYSTEM_ACTOR, { email: "first@example.com", name: "First", password: "first-admin-password" })).not.toBeNull();
    await consumeSetupToken(database.db, token);
    expect(await isSetupTokenValid(database.db, token)).toBe(false);
    // Once a user exists, neither a second start nor the variables create another admin.
    await bootstrapAdmin(database.db, parseEnv({ FLOTILLA_ADMIN_EMAIL: "other@example.com", FLOTILLA_ADMIN_PASSWORD: "other-admin-password" }), "http://flotilla.test");
    expect(await countUsers(database.db)).toBe(1);
    expect(await findUserByEmail(database.db, "other@example.com")).toBeUndefined();
  });
});
