import { describe, expect, it } from "vitest";
import { listApprovals } from "@/db/queries/approvals";
import { SYSTEM_ACTOR, type Actor } from "@/db/queries/audit";
import { createChannel, createGroup, updateGroup } from "@/db/queries/groups";
import { ingestReports, type IngestReport } from "@/db/queries/ingest";
import { setPin } from "@/db/queries/pins";
import { previewChange } from "@/db/queries/preview";
import { createReleases, setChannelTarget } from "@/db/queries/releases";
import { createUser } from "@/db/queries/users";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";
import type { PreviewResult } from "@/lib/update/preview";
import { flatcarRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { concretePath, operatorOperations } from "../helpers/openapi-routes";
import { useOperatorServer } from "../helpers/operators";

const id = (prefix: string, i: number) => `${prefix}${i.toString(16).padStart(32 - prefix.length, "0")}`;

function report(hostId: string, groupId: string, version = "3975.2.2"): IngestReport {
  return {
    hostId,
    receivedAt: new Date(),
    protocol: "omaha",
    kind: "check",
    hostname: `node-${hostId.slice(-4)}`,
    osFamily: "flatcar",
    osVersion: version,
    arch: "amd64",
    slot: null,
    deploymentId: null,
    previousVersion: null,
    updateState: "idle",
    errorCode: null,
    errorMessage: null,
    health: [],
    labels: groupId === "lab" ? { site: "berlin" } : {},
    groupId,
    channelId: "stable",
    agentVersion: null,
    clientAddr: null,
    detail: {},
  };
}

const outcome = (r: PreviewResult, key: string) => r.outcomes.find((o) => o.key === key)?.count ?? 0;

describe.each(testDatabases())("blast-radius preview on $name", (target) => {
  const t = useOperatorServer(target, {
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
      await createReleases(db, SYSTEM_ACTOR, [flatcarRelease("3975.2.2"), flatcarRelease("4081.2.0")], "release.import");
      await setChannelTarget(db, SYSTEM_ACTOR, "stable", { releaseId: (await db.query.releases.findFirst({ where: (r, { eq }) => eq(r.version, "3975.2.2") }))!.id, rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "baseline" });
      await createGroup(db, SYSTEM_ACTOR, { id: "canary", description: "", channelId: "stable" });
      await updateGroup(db, SYSTEM_ACTOR, "canary", {
        policy: GroupPolicySchema.parse({ maxConcurrentUpdates: null, maxUpdatesPerPeriod: null, updateTimeoutMinutes: 60, maintenanceWindows: null, requiresApproval: false, phases: [{ name: "ten", target: { percent: 10 }, bakeMinutes: 60, failureThreshold: null }, { name: "all", target: { percent: 100 }, bakeMinutes: 0, failureThreshold: null }] }),
      });
      await createGroup(db, SYSTEM_ACTOR, { id: "edge-berlin", description: "", channelId: "stable" });
      await updateGroup(db, SYSTEM_ACTOR, "edge-berlin", { requiresApproval: true, approvalsRequired: 1 });
      await ingestReports(db, [
        ...Array.from({ length: 200 }, (_, i) => report(id("c", i), "canary")),
        ...Array.from({ length: 50 }, (_, i) => report(id("e", i), "edge-berlin")),
        ...Array.from({ length: 30 }, (_, i) => report(id("d", i), "default")),
      ]);
    },
  });
  const db = () => t.server.database.db;
  const newRelease = async () => (await db().query.releases.findFirst({ where: (r, { eq }) => eq(r.version, "4081.2.0") }))!.id;

  it("a new target: offered per the first phase, approval groups held, undefined groups by the fleet default, with sample hosts", async () => {
    const r = await previewChange(db(), { kind: "target", channelId: "stable", releaseId: await newRelease() });
    expect(r).toMatchObject({ hosts: 280, examined: 280, exact: true });
    expect(r.groups).toEqual([
      { id: "canary", hosts: 200, approvalsRequired: null },
      { id: "default", hosts: 30, approvalsRequired: null },
      { id: "edge-berlin", hosts: 50, approvalsRequired: 1 },
    ]);
    expect(outcome(r, "hold:awaiting_approval")).toBe(50);
    // canary: ~10 % by rank (uniform hash, so near 20); default: the built-in one 100 % phase.
    const offered = outcome(r, "offer:4081.2.0");
    expect(offered).toBeGreaterThanOrEqual(30 + 8);
    expect(offered).toBeLessThanOrEqual(30 + 35);
    expect(outcome(r, "hold:phase_not_reached")).toBe(200 - (offered - 30));
    expect(r.changed).toBe(280);
    const held = r.outcomes.find((o) => o.key === "hold:awaiting_approval")!;
    expect(held.sample).toHaveLength(5);
    expect(held.sample[0]).toMatchObject({ groupId: "edge-berlin", hostname: expect.stringMatching(/^node-/) });
    expect(held.detail).toBe("The rollout to 4081.2.0 is waiting for approval (0 of 1).");
  });

  it("a pin, a recall and a sample past the host cap use the same decision", async () => {
    const pin = await previewChange(db(), { kind: "pin", scope: "group", targetId: "canary", version: "3975.2.2", allowDowngrade: false });
    expect(pin.outcomes.map((o) => [o.key, o.count])).toEqual([["hold:pinned", 200]]);
    expect(pin.changed).toBe(200); // held as up to date before, held by the pin after: a different decision
    const recall = await previewChange(db(), { kind: "recall", releaseId: (await db().query.releases.findFirst({ where: (r, { eq }) => eq(r.version, "3975.2.2") }))!.id });
    expect(recall.hosts).toBe(280);
    expect(outcome(recall, "hold:recalled")).toBe(280);
    const sampled = await previewChange(db(), { kind: "target", channelId: "stable", releaseId: await newRelease() }, { maxHosts: 100 });
    expect(sampled.exact).toBe(false);
    expect(sampled.hosts).toBe(280);
    expect(sampled.examined).toBeLessThan(280);
  });

  it("POST /api/v1/preview answers the same; an approval request binds the preview into its plan", async () => {
    const op = operatorOperations().find((o) => o.method === "POST" && o.path === "/api/v1/preview")!;
    const res = await fetch(`${t.server.url}${concretePath(op)}`, { method: "POST", headers: { authorization: `Bearer ${t.users.viewer.token}`, "content-type": "application/json" }, body: JSON.stringify({ change: { kind: "pin", scope: "group", targetId: "edge-berlin", version: "3975.2.2" } }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ hosts: 50, outcomes: [{ key: "hold:pinned", count: 50 }] });
    const bad = await fetch(`${t.server.url}/api/v1/preview`, { method: "POST", headers: { authorization: `Bearer ${t.users.viewer.token}`, "content-type": "application/json" }, body: JSON.stringify({ change: { kind: "nuke" } }) });
    expect(bad.status).toBe(400);

    const u = await createUser(db(), SYSTEM_ACTOR, { email: "prev-op@example.com", name: "op", password: "long-enough-password", role: "operator" });
    const op1: Actor = { userId: u.id, email: u.email, role: "operator", via: "session", clientAddr: null };
    const held = await setPin(db(), op1, { scope: "group", targetId: "edge-berlin", version: "3975.2.2", reason: "freeze", owner: "sre", expiresAt: null });
    expect(held).toMatchObject({ status: "awaiting_approval" });
    const request = (await listApprovals(db(), "pending")).find((a) => a.subjectType === "change")!;
    expect(request.plan).toMatchObject({ preview: { hosts: 50, outcomes: [{ key: "hold:pinned", count: 50 }] } });

    // A new target: edge-berlin's rollout request carries what its hosts get once approved.
    await setChannelTarget(db(), SYSTEM_ACTOR, "stable", { releaseId: await newRelease(), rolloutDurationMinutes: 0, rolloutStartValue: 0, reason: "ship" });
    const rolloutRequest = (await listApprovals(db(), "pending")).find((a) => a.subjectType === "rollout")!;
    expect(rolloutRequest.plan).toMatchObject({ groupId: "edge-berlin", preview: { hosts: 50, outcomes: [{ key: "offer:4081.2.0", count: 50 }] } });
  });
});
