import { describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "@/db/queries/audit";
import { createGroup, listGroups, updateGroup } from "@/db/queries/groups";
import { getHost } from "@/db/queries/hosts";
import { GroupPatchSchema } from "@/lib/operator/schemas";
import { DEFAULT_GROUP_POLICY } from "@/lib/rollout/policy-schema";
import { invalidatePolicy } from "@/server/policy-cache";
import { seedFlatcarStable } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { useTestServer } from "../helpers/server";

const check = (machine: string) => `<?xml version="1.0" encoding="UTF-8"?>
<request protocol="3.0"><app appid="e96281a6-d1af-4bde-9a0a-97b76e56dc57" version="3975.2.2" track="stable" machineid="${machine}" board="amd64-usr"><updatecheck></updatecheck></app></request>`;

describe.each(testDatabases())("group rollout policy on $name", (target) => {
  const t = useTestServer(target, {
    seed: async (db) => {
      await seedFlatcarStable(db);
      await createGroup(db, SYSTEM_ACTOR, { id: "stable", description: "", channelId: "stable" });
    },
  });

  it("refuses an invalid policy with field-level errors", () => {
    const r = GroupPatchSchema.safeParse({ policy: { maintenanceWindows: { timeZone: "Mars/Olympus", windows: [{ days: ["mon"], start: "25:00", durationMinutes: 0 }], blackoutDates: [] }, phases: [{ name: "a", target: { percent: 50 }, bakeMinutes: 0, failureThreshold: null }, { name: "b", target: { percent: 10 }, bakeMinutes: 0, failureThreshold: null }] } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toEqual(expect.arrayContaining(["policy.maintenanceWindows.timeZone", "policy.maintenanceWindows.windows.0.start", "policy.maintenanceWindows.windows.0.durationMinutes", "policy.phases.1.target.percent"]));
  });

  it("holds updates outside the maintenance window, with the reason on the host", async () => {
    const now = new Date();
    // A one-hour window that closed two hours ago, every day, in UTC.
    const hour = (now.getUTCHours() + 22) % 24;
    const policy = GroupPatchSchema.parse({ policy: { ...DEFAULT_GROUP_POLICY, maintenanceWindows: { timeZone: "UTC", windows: [{ days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: `${String(hour).padStart(2, "0")}:00`, durationMinutes: 60 }], blackoutDates: [] } } }).policy!;
    await updateGroup(t.database.db, SYSTEM_ACTOR, "stable", { policy });
    invalidatePolicy();
    const res = await (await fetch(`${t.server.url}/v1/update/`, { method: "POST", body: check("6".repeat(32)) })).text();
    expect(res).toContain('<updatecheck status="noupdate">');
    expect((await getHost(t.database.db, "6".repeat(32)))?.holdReason).toMatch(/maintenance window/i);
    await updateGroup(t.database.db, SYSTEM_ACTOR, "stable", { policy: null });
    invalidatePolicy();
    expect(await (await fetch(`${t.server.url}/v1/update/`, { method: "POST", body: check("6".repeat(32)) })).text()).toContain('<manifest version="4081.2.0">');
  });
});

describe.each(testDatabases())("stale edits on $name", (target) => {
  const t = useTestServer(target, { seed: (db) => createGroup(db, SYSTEM_ACTOR, { id: "edge", description: "", channelId: null }).then(() => undefined) });

  it("a write based on an outdated read is refused, a current one goes through", async () => {
    const [loaded] = (await listGroups(t.database.db)).groups;
    const seen = loaded!.updatedAt.toISOString();
    await updateGroup(t.database.db, SYSTEM_ACTOR, "edge", { description: "first", expectedUpdatedAt: seen });
    await expect(updateGroup(t.database.db, SYSTEM_ACTOR, "edge", { description: "second", expectedUpdatedAt: seen })).rejects.toMatchObject({ code: "conflict" });
    const [now] = (await listGroups(t.database.db)).groups;
    expect(now!.description).toBe("first");
    await updateGroup(t.database.db, SYSTEM_ACTOR, "edge", { description: "third", expectedUpdatedAt: now!.updatedAt.toISOString() });
  });
});
