import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { clearSignInFailures, recordSignInFailure, signInLockedFor } from "@/db/queries/login-throttle";
import { testDatabases } from "../helpers/databases";

// An attacker at one address must not be able to lock the admin out everywhere.
describe.each(testDatabases())("sign-in throttling by account and address ($name)", (target) => {
  let database: Database & { dispose(): Promise<void> };
  beforeAll(async () => {
    database = await target.open();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("five bad passwords lock the account from that address only", async () => {
    const db = database.db;
    for (let i = 0; i < 5; i++) await recordSignInFailure(db, "admin@example.com", "203.0.113.9");
    expect(await signInLockedFor(db, "admin@example.com", "203.0.113.9")).toBeGreaterThan(0);
    expect(await signInLockedFor(db, "admin@example.com", "198.51.100.7")).toBe(0);
    // A success from the admin's own address leaves the attacker's lock in place.
    await clearSignInFailures(db, "admin@example.com", "198.51.100.7");
    expect(await signInLockedFor(db, "admin@example.com", "203.0.113.9")).toBeGreaterThan(0);
  });

  it("an address spraying many accounts is locked for every account", async () => {
    const db = database.db;
    for (let i = 0; i < 50; i++) await recordSignInFailure(db, `user-${i}@example.com`, "192.0.2.44");
    expect(await signInLockedFor(db, "someone-else@example.com", "192.0.2.44")).toBeGreaterThan(0);
    expect(await signInLockedFor(db, "someone-else@example.com", "192.0.2.45")).toBe(0);
  });
});
