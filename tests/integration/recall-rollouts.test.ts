import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, asc, eq } from "drizzle-orm";
import { actOnRollout, listRollouts, rolloutProgress } from "@/db/queries/rollouts";
import { recallRelease } from "@/db/queries/releases";
import { auditLog } from "@/db/schema/audit";
import { applied } from "../helpers/applied";
import { testDatabases } from "../helpers/databases";
import { addHosts, groupWithPolicy, OPERATOR, seedTwoFamilies, targetVersion } from "../helpers/stalls-fleet";

// Issue 19: a recall reaches the live rollouts of the recalled release, in its transaction.
describe.each(testDatabases())("a recall and the rollouts of its release on $name", (database) => {
  let handle: Awaited<ReturnType<typeof database.open>>;
  const db = () => handle.db;
  beforeAll(async () => {
    handle = await database.open();
    await seedTwoFamilies(db());
    await targetVersion(db(), "stable", "3975.2.2");
    await groupWithPolicy(db(), "web", "stable");
    await groupWithPolicy(db(), "db", "stable");
    await groupWithPolicy(db(), "edge", "stable", { requiresApproval: true, approvalsRequired: 1 });
    await addHosts(db(), "web", 5, { prefix: "a", version: "3975.2.2" });
    await addHosts(db(), "db", 5, { prefix: "b", version: "3975.2.2" });
  });
  afterAll(async () => handle.dispose());

  const release = (version: string) => db().query.releases.findFirst({ where: (r, { eq }) => eq(r.version, version) });

  it("ends every live rollout of the release with the recall's reason: on the rollout, in its timeline, in the audit log", async () => {
    await targetVersion(db(), "stable", "4081.2.0");
    const before = await listRollouts(db(), { live: true });
    expect(before.map((r) => [r.groupId, r.status]).sort()).toEqual([
      ["db", "running"],
      ["edge", "awaiting_approval"],
      ["web", "running"],
    ]);

    const rel = (await release("4081.2.0"))!;
    const result = applied(await recallRelease(db(), OPERATOR, rel.id, "corrupts /var on first boot"));
    expect(result.rollouts.map((r) => [r.groupId, r.status])).toEqual([
      ["db", "aborted"],
      ["edge", "aborted"],
      ["web", "aborted"],
    ]);
    expect(await listRollouts(db(), { live: true })).toEqual([]);

    const web = before.find((r) => r.groupId === "web")!;
    const p = await rolloutProgress(db(), web.id);
    expect(p.rollout).toMatchObject({ status: "aborted", stoppedBy: { kind: "recall", actor: "ops@example.com", reason: "corrupts /var on first boot", version: "4081.2.0" } });
    expect(p.rollout.finishedAt).not.toBeNull();
    expect(p.events.at(-1)).toMatchObject({ kind: "recalled", actor: "ops@example.com", detail: { reason: "corrupts /var on first boot", recalled: "4081.2.0", policy: "end" } });

    const audit = await db().select().from(auditLog).where(and(eq(auditLog.targetType, "rollout"), eq(auditLog.targetId, web.id))).orderBy(asc(auditLog.id));
    expect(audit.at(-1)).toMatchObject({ action: "rollout.abort", actorEmail: "ops@example.com", reason: "corrupts /var on first boot", before: { status: "running" }, after: { status: "aborted", recalled: "4081.2.0" } });
    const [recall] = await db().select().from(auditLog).where(eq(auditLog.action, "release.recall"));
    expect(recall!.after).toMatchObject({ recalled: true, rolloutPolicy: "end", rollouts: [{ groupId: "db" }, { groupId: "edge" }, { groupId: "web" }] });

    // The edge rollout's approval request died with it: nobody can approve a recalled release.
    const edge = before.find((r) => r.groupId === "edge")!;
    const req = await db().query.approvalRequests.findFirst({ where: (r, { eq }) => eq(r.id, edge.approvalRequestId!) });
    expect(req!.status).toBe("void");
  });

  it("by policy pauses running rollouts instead, and a paused rollout of a recalled release cannot be resumed", async () => {
    await targetVersion(db(), "stable", "4152.2.2");
    const web = (await listRollouts(db(), { groupId: "web", live: true }))[0]!;
    expect(web.status).toBe("running");
    const rel = (await release("4152.2.2"))!;
    const result = applied(await recallRelease(db(), OPERATOR, rel.id, "kernel panic on AMD hosts", "pause"));
    expect(result.rollouts.find((r) => r.groupId === "web")!.status).toBe("paused");
    expect(result.rollouts.find((r) => r.groupId === "edge")!.status).toBe("aborted");
    const p = await rolloutProgress(db(), web.id);
    expect(p.rollout).toMatchObject({ status: "paused", stoppedBy: { kind: "recall", reason: "kernel panic on AMD hosts" } });
    expect(p.events.at(-1)).toMatchObject({ kind: "recalled", detail: { policy: "pause" } });
    await expect(actOnRollout(db(), OPERATOR, web.id, "resume", { reason: "try again" })).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("was recalled") });
    expect((await actOnRollout(db(), OPERATOR, web.id, "abort", { reason: "recalled" })).status).toBe("aborted");
  });

  it("leaves rollouts of other releases alone", async () => {
    await targetVersion(db(), "stable", "3975.2.2");
    const rel = (await db().query.releases.findFirst({ where: (r, { eq }) => eq(r.version, "40.20240504.3.0") }))!;
    const result = applied(await recallRelease(db(), OPERATOR, rel.id, "bad FCOS build"));
    expect(result.rollouts).toEqual([]);
    expect((await listRollouts(db(), { live: true })).map((r) => r.version)).toEqual(expect.arrayContaining(["3975.2.2"]));
  });
});
