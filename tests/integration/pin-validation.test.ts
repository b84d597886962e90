import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, desc, eq } from "drizzle-orm";
import { bulkPinHosts, listPins, removePin, setPin } from "@/db/queries/pins";
import { createGroup } from "@/db/queries/groups";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { auditLog } from "@/db/schema/audit";
import { HostQuerySchema, hostQueryInput } from "@/lib/fleet/host-query";
import { applied } from "../helpers/applied";
import { testDatabases } from "../helpers/databases";
import { addHosts, machine, OPERATOR, seedTwoFamilies } from "../helpers/stalls-fleet";

const pin = { reason: "hold for the NIC fix", owner: "ops@example.com", expiresAt: null };

// Issue 19: pins refuse what can never apply, say whom they reach, count only hosts that will
// move, and never replace a rollback silently.
describe.each(testDatabases())("pin validation and convergence on $name", (database) => {
  let handle: Awaited<ReturnType<typeof database.open>>;
  const db = () => handle.db;
  beforeAll(async () => {
    handle = await database.open();
    await seedTwoFamilies(db());
    await createGroup(db(), SYSTEM_ACTOR, { id: "web", description: "", channelId: "stable" });
    await createGroup(db(), SYSTEM_ACTOR, { id: "empty-flatcar", description: "", channelId: "stable" });
    // 96 hosts already newer than the pin below, 5 older: "not converged 96/101" was wrong.
    await addHosts(db(), "web", 96, { prefix: "a", version: "4152.2.2" });
    await addHosts(db(), "web", 5, { prefix: "b", version: "3975.2.2" });
    await addHosts(db(), "mixed", 4, { prefix: "c", version: "3975.2.2" });
    await addHosts(db(), "mixed", 2, { prefix: "d", version: "40.20240416.3.1", osFamily: "fcos" });
  });
  afterAll(async () => handle.dispose());

  it("refuses a pin to a group that does not exist and that no host asks for", async () => {
    await expect(setPin(db(), OPERATOR, { ...pin, scope: "group", targetId: "no-such-group", version: "4081.2.0" })).rejects.toMatchObject({ code: "bad_request", message: expect.stringContaining("no group no-such-group exists") });
  });

  it("refuses an FCOS version on Flatcar hosts, and on an empty group of a Flatcar channel", async () => {
    await expect(setPin(db(), OPERATOR, { ...pin, scope: "group", targetId: "web", version: "40.20240504.3.0" })).rejects.toMatchObject({
      code: "bad_request",
      message: "invalid request: version: 40.20240504.3.0 is a fcos release and can never apply to the hosts this pin reaches (101 hosts on flatcar)",
    });
    await expect(setPin(db(), OPERATOR, { ...pin, scope: "group", targetId: "empty-flatcar", version: "40.20240504.3.0" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(setPin(db(), OPERATOR, { ...pin, scope: "host", targetId: machine("a", 0), version: "40.20240504.3.0" })).rejects.toMatchObject({ code: "bad_request" });
  });

  it("answers with the hosts a pin reaches by OS family and warns about those it never moves", async () => {
    const p = applied(await setPin(db(), OPERATOR, { ...pin, scope: "group", targetId: "mixed", version: "4081.2.0" }));
    expect(p.reach).toMatchObject({ hosts: 6, willMove: 4, byFamily: { flatcar: { hosts: 4, willMove: 4 }, fcos: { hosts: 2, cannotApply: 2 } } });
    expect(p.warnings).toEqual(["group mixed is not defined; 6 hosts ask for it", "2 hosts on fcos have no 4081.2.0 release: the pin never applies to them"]);
    const empty = applied(await setPin(db(), OPERATOR, { ...pin, scope: "group", targetId: "empty-flatcar", version: "4081.2.0" }));
    expect(empty.reach.hosts).toBe(0);
    expect(empty.warnings).toEqual(["the pin reaches no host now; it applies to hosts that join later"]);
  });

  it("counts as not converged only the hosts the pin will move (hosts newer than it never downgrade)", async () => {
    const p = applied(await setPin(db(), OPERATOR, { ...pin, scope: "group", targetId: "web", version: "4081.2.0" }));
    expect(p.reach).toMatchObject({ hosts: 101, willMove: 5, byFamily: { flatcar: { hosts: 101, willMove: 5, newer: 96, atVersion: 0, cannotApply: 0 } } });
    const listed = (await listPins(db())).find((r) => r.pin.id === p.id)!;
    expect(listed).toMatchObject({ hosts: 101, notConverged: 5 });
    // A host with its own pin is governed by it, not by the group's.
    await setPin(db(), OPERATOR, { ...pin, scope: "host", targetId: machine("b", 0), version: "3975.2.2" });
    expect((await listPins(db())).find((r) => r.pin.id === p.id)).toMatchObject({ hosts: 100, notConverged: 4 });
  });

  it("refuses to replace a rollback without replaceRollback (409 replaces_rollback); the audit keeps the whole rollback", async () => {
    const host = machine("a", 1);
    await setPin(db(), OPERATOR, { ...pin, scope: "host", targetId: host, version: "4081.2.0", reason: "boot loop on 4152.2.2", allowDowngrade: true });
    await expect(setPin(db(), OPERATOR, { ...pin, scope: "host", targetId: host, version: "4152.2.2" })).rejects.toMatchObject({ code: "replaces_rollback", status: 409, message: expect.stringContaining("boot loop on 4152.2.2") });
    const replaced = applied(await setPin(db(), OPERATOR, { ...pin, scope: "host", targetId: host, version: "4152.2.2", replaceRollback: true }));
    expect(replaced.allowDowngrade).toBe(false);
    const [row] = await db().select().from(auditLog).where(and(eq(auditLog.targetType, "host"), eq(auditLog.targetId, host), eq(auditLog.action, "pin.set"))).orderBy(desc(auditLog.id)).limit(1);
    expect(row!.before).toMatchObject({ scope: "host", targetId: host, version: "4081.2.0", reason: "boot loop on 4152.2.2", owner: "ops@example.com", allowDowngrade: true, expiresAt: null });
    expect(row!.after).toMatchObject({ version: "4152.2.2", allowDowngrade: false, reason: "hold for the NIC fix" });
    await removePin(db(), OPERATOR, replaced.id, "done");
    const [removed] = await db().select().from(auditLog).where(and(eq(auditLog.targetId, host), eq(auditLog.action, "pin.remove"))).limit(1);
    expect(removed!.before).toMatchObject({ version: "4152.2.2", reason: "hold for the NIC fix", allowDowngrade: false });
  });

  it("a bulk pin over rollbacks is refused unless it says so, and its audit keeps each replaced pin", async () => {
    const filter = HostQuerySchema.parse(hostQueryInput(new URLSearchParams("group=mixed")));
    await setPin(db(), OPERATOR, { ...pin, scope: "host", targetId: machine("c", 0), version: "3975.2.2", reason: "kernel panic", allowDowngrade: true });
    const input = { version: "4081.2.0", reason: "hold mixed", owner: "ops@example.com", expiresAt: null };
    const preview = await bulkPinHosts(db(), OPERATOR, filter, input, true);
    expect(preview).toMatchObject({ matched: 6, pinned: 0, rollbacks: 1, reach: { willMove: 4, byFamily: { fcos: { cannotApply: 2 } } } });
    await expect(bulkPinHosts(db(), OPERATOR, filter, input, false)).rejects.toMatchObject({ code: "replaces_rollback" });
    expect(await bulkPinHosts(db(), OPERATOR, filter, { ...input, replaceRollback: true }, false)).toMatchObject({ matched: 6, pinned: 6 });
    const [row] = await db().select().from(auditLog).where(eq(auditLog.action, "pin.bulk")).orderBy(desc(auditLog.id)).limit(1);
    expect(row!.before).toMatchObject({ replaced: [{ targetId: machine("c", 0), version: "3975.2.2", reason: "kernel panic", allowDowngrade: true }] });
    await expect(bulkPinHosts(db(), OPERATOR, HostQuerySchema.parse(hostQueryInput(new URLSearchParams("group=web"))), { ...input, version: "40.20240504.3.0" }, false)).rejects.toMatchObject({ code: "bad_request" });
  });
});
