import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "@/db/client";
import { applierFor } from "@/db/queries/approval-appliers";
import { listApprovals, vote } from "@/db/queries/approvals";
import { listAudit, SYSTEM_ACTOR, type Actor } from "@/db/queries/audit";
import { createGroup, updateGroup } from "@/db/queries/groups";
import { createAssignment, getConfig, publishConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { createUser } from "@/db/queries/users";
import { testDatabases } from "../helpers/databases";

const cfg = (motd: string) => JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: `data:,${motd}` } }] } });

describe.each(testDatabases())("four-eyes approval of Ignition publications on $name", (target) => {
  let database: Database & { dispose(): Promise<void> };
  let operator: Actor;
  let approver1: Actor;
  let approver2: Actor;

  const actorOf = async (email: string, role: "operator" | "approver"): Promise<Actor> => {
    const u = await createUser(database.db, SYSTEM_ACTOR, { email, name: email, password: "long-enough-password", role });
    return { userId: u.id, email: u.email, role, via: "session", clientAddr: "10.1.1.1" };
  };

  beforeAll(async () => {
    database = await target.open();
    operator = await actorOf("op@example.com", "operator");
    approver1 = await actorOf("ap1@example.com", "approver");
    approver2 = await actorOf("ap2@example.com", "approver");
    await createGroup(database.db, SYSTEM_ACTOR, { id: "edge-berlin", description: "", channelId: null });
    await updateGroup(database.db, SYSTEM_ACTOR, "edge-berlin", { requiresApproval: true, approvalsRequired: 2 });
    await saveConfigVersion(database.db, operator, "edge", { format: "ignition", source: cfg("one"), message: "v1", draft: false });
    await saveConfigVersion(database.db, operator, "edge", { format: "ignition", source: cfg("two"), message: "v2", draft: false });
    await saveConfigVersion(database.db, operator, "lab", { format: "ignition", source: cfg("lab"), message: "", draft: false });
    await createAssignment(database.db, operator, { name: "berlin", configId: "edge", version: null, selectors: { group: "edge-berlin" } });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("publishes at once when no approval-required group is reached", async () => {
    expect(await publishConfigVersion(database.db, operator, "lab", 1, null)).toEqual({ status: "published", version: 1 });
  });

  it("needs N approvals by others; the requester cannot approve; then it is applied", async () => {
    const r = await publishConfigVersion(database.db, operator, "edge", 1, "first rollout of the edge config");
    expect(r).toMatchObject({ status: "awaiting_approval", approvalsRequired: 2 });
    if (r.status !== "awaiting_approval") throw new Error("unreachable");
    expect((await getConfig(database.db, "edge"))?.publishedVersion).toBeNull();

    await expect(vote(database.db, operator, r.requestId, "approve", "lgtm", applierFor)).rejects.toMatchObject({ code: "forbidden" });
    expect(await vote(database.db, approver1, r.requestId, "approve", "checked the diff", applierFor)).toEqual({ status: "pending" });
    await expect(vote(database.db, approver1, r.requestId, "approve", "again", applierFor)).rejects.toMatchObject({ code: "conflict" });
    expect((await getConfig(database.db, "edge"))?.publishedVersion).toBeNull();
    expect(await vote(database.db, approver2, r.requestId, "approve", "ok for berlin", applierFor)).toEqual({ status: "approved" });
    expect((await getConfig(database.db, "edge"))?.publishedVersion).toBe(1);

    const audit = await listAudit(database.db, { targetId: "edge", action: "ignition.publish", limit: 5 });
    expect(audit.items[0]!.after).toMatchObject({ publishedVersion: 1, approvalRequest: r.requestId, approvedBy: ["ap1@example.com", "ap2@example.com"] });
    expect(audit.items[0]!.actorEmail).toBe("op@example.com");
    const votes = await listAudit(database.db, { targetId: r.requestId, limit: 10 });
    expect(votes.items.map((a) => a.action).reverse()).toEqual(["approval.request", "approval.approve", "approval.approve"]);
  });

  it("a new request for the same config voids the pending one; a rejection closes it", async () => {
    const first = await publishConfigVersion(database.db, operator, "edge", 2, null);
    const second = await publishConfigVersion(database.db, operator, "edge", 2, "same again");
    if (first.status !== "awaiting_approval" || second.status !== "awaiting_approval") throw new Error("unreachable");
    await expect(vote(database.db, approver1, first.requestId, "approve", "old plan", applierFor)).rejects.toMatchObject({ code: "conflict" });
    const all = await listApprovals(database.db);
    expect(all.find((a) => a.id === first.requestId)?.status).toBe("void");
    expect(await vote(database.db, approver1, second.requestId, "reject", "not before Monday", applierFor)).toEqual({ status: "rejected" });
    expect((await getConfig(database.db, "edge"))?.publishedVersion).toBe(1);
  });
});
