import { describe, expect, it } from "vitest";
import { listAudit, SYSTEM_ACTOR } from "@/db/queries/audit";
import { createGroup, updateGroup } from "@/db/queries/groups";
import { createAssignment, getConfig, publishConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { createUser } from "@/db/queries/users";
import { testDatabases } from "../helpers/databases";
import { signIn, useOperatorServer } from "../helpers/operators";

const cfg = JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: "data:,hello" } }] } });

/**
 * Issue 18, finding 8: one admin could satisfy a two-approver rule alone by minting API tokens
 * for two approvers and voting with them. A vote is a person's act: only a signed-in session
 * votes, and whatever a token does is audited with the token and who minted it.
 */
describe.each(testDatabases())("API tokens and approvals on $name", (target) => {
  const t = useOperatorServer(target);
  const api = async (path: string, auth: { token?: string; cookie?: string }, body: unknown) => {
    const res = await fetch(`${t.server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth.token ? { authorization: `Bearer ${auth.token}` } : {}), ...(auth.cookie ? { cookie: auth.cookie, origin: t.server.url } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
  };

  it("an admin minting tokens for two approvers cannot vote as them; the approvers' own sessions can", async () => {
    const db = t.database.db;
    const approvers = [];
    for (const n of [1, 2]) approvers.push(await createUser(db, SYSTEM_ACTOR, { email: `ap${n}-tokens@example.com`, name: `ap${n}`, password: `approver-${n}-password`, role: "approver" }));
    const operator = await createUser(db, SYSTEM_ACTOR, { email: "op-tokens@example.com", name: "op", password: "operator-password", role: "operator" });
    await createGroup(db, SYSTEM_ACTOR, { id: "edge-tokens", description: "", channelId: null });
    await updateGroup(db, SYSTEM_ACTOR, "edge-tokens", { requiresApproval: true, approvalsRequired: 2 });
    const opActor = { userId: operator.id, email: operator.email, role: "operator", via: "session" as const, clientAddr: null };
    await saveConfigVersion(db, opActor, "edge-tokens", { format: "ignition", source: cfg, message: "v1", draft: false });
    await createAssignment(db, opActor, { name: "edge-tokens", configId: "edge-tokens", version: null, selectors: { group: "edge-tokens" } });
    const request = await publishConfigVersion(db, opActor, "edge-tokens", 1, "ship it");
    if (request.status !== "awaiting_approval") throw new Error("expected an approval request");

    // The attack: the admin (signed in) mints a token per approver and votes with each.
    const admin = await signIn(t.server.url, t.users.admin.email, t.users.admin.password);
    const minted: string[] = [];
    for (const a of approvers) {
      const res = await api("/api/v1/api-tokens", { cookie: admin.cookie }, { name: `as ${a.email}`, userId: a.id });
      expect(res.status).toBe(201);
      minted.push(res.json.token as string);
    }
    for (const token of minted) {
      const res = await api(`/api/v1/approvals/${request.requestId}/approve`, { token }, { comment: "lgtm" });
      expect(res.status).toBe(403);
      expect(res.json.error?.message).toMatch(/signed in, not with an API token/);
    }
    expect((await getConfig(db, "edge-tokens"))?.publishedVersion).toBeNull();
    expect((await api(`/api/v1/approvals/${request.requestId}/reject`, { token: minted[0] }, { comment: "no" })).status).toBe(403);

    // The approvers themselves, signed in, still decide.
    for (const [i, a] of approvers.entries()) {
      const session = await signIn(t.server.url, a.email, `approver-${i + 1}-password`);
      expect((await api(`/api/v1/approvals/${request.requestId}/approve`, { cookie: session.cookie }, { comment: "checked" })).status).toBe(200);
    }
    expect((await getConfig(db, "edge-tokens"))?.publishedVersion).toBe(1);
  });

  it("what a token does is audited with the token's id and who minted it", async () => {
    const admin = await signIn(t.server.url, t.users.admin.email, t.users.admin.password);
    const minted = await api("/api/v1/api-tokens", { cookie: admin.cookie }, { name: "ci", userId: t.users.operator.id });
    expect(minted.status).toBe(201);
    expect((await api("/api/v1/groups", { token: minted.json.token as string }, { id: "made-by-token" })).status).toBe(201);
    const [row] = (await listAudit(t.database.db, { action: "group.create", targetId: "made-by-token", limit: 1 })).items;
    expect(row).toMatchObject({ actorEmail: t.users.operator.email, via: `api_token ${minted.json.id as string} created by ${t.users.admin.email}` });
  });
});
