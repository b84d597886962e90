import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "@/db/client";
import { applierFor } from "@/db/queries/approval-appliers";
import { listApprovals, vote } from "@/db/queries/approvals";
import { SYSTEM_ACTOR, type Actor } from "@/db/queries/audit";
import { getFleetPolicy } from "@/db/queries/fleet-policy";
import { createChannel, createGroup, updateGroup } from "@/db/queries/groups";
import { createAssignment, getConfig, publishConfigVersion, saveConfigVersion } from "@/db/queries/ignition";
import { setPin } from "@/db/queries/pins";
import { createReleases } from "@/db/queries/releases";
import { groups, hosts, pins, releases } from "@/db/schema/fleet";
import { ignitionAssignments } from "@/db/schema/ignition";
import { MUTATING_ROUTE_SAFETY } from "@/lib/approvals/change-gate";
import { DEFAULT_GROUP_POLICY } from "@/lib/rollout/policy-schema";
import { applied } from "../helpers/applied";
import { flatcarRelease } from "../helpers/catalog";
import { testDatabases } from "../helpers/databases";
import { concretePath, operatorOperations, type OperatorOperation } from "../helpers/openapi-routes";
import { useOperatorServer } from "../helpers/operators";

const label = (op: { method: string; path: string }) => `${op.method} ${op.path}`;
const writes = operatorOperations().filter((op) => op.method !== "GET");
const gatedOps = writes.filter((op) => MUTATING_ROUTE_SAFETY[label(op)]?.kind === "gate");

const HOST = "be".repeat(16);
const cfg = (motd: string) => JSON.stringify({ ignition: { version: "3.3.0" }, storage: { files: [{ path: "/etc/motd", mode: 420, contents: { source: `data:,${motd}` } }] } });

describe("every mutating route of the OpenAPI document is accounted for by the four-eyes rule", () => {
  it("each is classified: through the gate, through a rollout's approval, the vote itself, or not reaching hosts", () => {
    expect(writes.length).toBeGreaterThan(30);
    const unclassified = writes.map(label).filter((l) => !(l in MUTATING_ROUTE_SAFETY));
    expect(unclassified, "new mutating routes: add them to MUTATING_ROUTE_SAFETY (lib/approvals/change-gate.ts) and, if they reach hosts, call gateChange").toEqual([]);
    const stale = Object.keys(MUTATING_ROUTE_SAFETY).filter((k) => !writes.some((w) => label(w) === k));
    expect(stale, "classified routes the OpenAPI document no longer has").toEqual([]);
  });
});

interface Scenario {
  /** Path parameter values and the body of a request that would reach edge-berlin's hosts. */
  request(db: Db): Promise<{ params?: Record<string, string>; body?: unknown; query?: string }>;
  /** Nothing changed: the state the change would have altered. */
  unchanged(db: Db): Promise<void>;
}

const groupPin = async (db: Db) => (await db.select().from(pins).where(and(eq(pins.scope, "group"), eq(pins.targetId, "edge-berlin"))))[0];
const hostPin = async (db: Db) => (await db.select().from(pins).where(and(eq(pins.scope, "host"), eq(pins.targetId, HOST))))[0];
const releaseOf = async (db: Db, version: string) => (await db.select().from(releases).where(eq(releases.version, version)))[0]!;
const assignment = async (db: Db, name: string) => (await db.select().from(ignitionAssignments).where(eq(ignitionAssignments.name, name)))[0];

/** One request per gated route, each aimed at the approval-required group edge-berlin. */
const SCENARIOS: Record<string, Scenario> = {
  "POST /api/v1/releases/{id}/recall": {
    request: async (db) => ({ params: { id: (await releaseOf(db, "4081.2.0")).id }, body: { reason: "bad kernel" } }),
    unchanged: async (db) => expect((await releaseOf(db, "4081.2.0")).recalledAt).toBeNull(),
  },
  "POST /api/v1/pins": {
    request: async () => ({ body: { scope: "group", targetId: "edge-berlin", version: "3975.2.2", reason: "hold" } }),
    unchanged: async (db) => expect((await groupPin(db))?.version).toBe("4081.2.0"),
  },
  "POST /api/v1/pins/bulk": {
    request: async () => ({ body: { filter: "group=edge-berlin", version: "3975.2.2", reason: "hold them all" } }),
    unchanged: async (db) => expect(await hostPin(db)).toBeUndefined(),
  },
  "DELETE /api/v1/pins/{id}": {
    request: async (db) => ({ params: { id: (await groupPin(db))!.id }, query: "reason=done" }),
    unchanged: async (db) => expect(await groupPin(db)).toBeDefined(),
  },
  "POST /api/v1/hosts/{id}/rollback": {
    request: async () => ({ params: { id: HOST }, body: { toVersion: "3975.2.2", reason: "NIC regression" } }),
    unchanged: async (db) => expect(await hostPin(db)).toBeUndefined(),
  },
  "POST /api/v1/groups/{id}/rollback": {
    request: async () => ({ params: { id: "edge-berlin" }, body: { toVersion: "3975.2.2", reason: "NIC regression" } }),
    unchanged: async (db) => expect((await groupPin(db))?.allowDowngrade).toBe(false),
  },
  "PATCH /api/v1/groups/{id}": {
    // Turning the rule off is itself a change that needs the rule.
    request: async () => ({ params: { id: "edge-berlin" }, body: { requiresApproval: false } }),
    unchanged: async (db) => expect((await db.select().from(groups).where(eq(groups.id, "edge-berlin")))[0]?.requiresApproval).toBe(true),
  },
  "PUT /api/v1/fleet-policy": {
    request: async () => ({ body: { policy: { ...DEFAULT_GROUP_POLICY, phases: [{ name: "all", target: { percent: 100 }, bakeMinutes: 5, failureThreshold: null }] }, reason: "bake everything" } }),
    unchanged: async (db) => expect((await getFleetPolicy(db)).updatedAt).toBeNull(),
  },
  "POST /api/v1/ignition/configs/{name}/publish": {
    request: async () => ({ params: { name: "edge" }, body: { version: 2 } }),
    unchanged: async (db) => expect((await getConfig(db, "edge"))?.publishedVersion).toBe(1),
  },
  "POST /api/v1/ignition/assignments": {
    request: async () => ({ body: { name: "berlin-rack-2", configId: "edge", selectors: { group: "edge-berlin", rack: "2" } } }),
    unchanged: async (db) => expect(await assignment(db, "berlin-rack-2")).toBeUndefined(),
  },
  "DELETE /api/v1/ignition/assignments/{id}": {
    request: async (db) => ({ params: { id: (await assignment(db, "berlin"))!.id } }),
    unchanged: async (db) => expect(await assignment(db, "berlin")).toBeDefined(),
  },
};

describe.each(testDatabases())("no mutating route gets around the four-eyes rule on $name", (target) => {
  const t = useOperatorServer(target, {
    seed: async (db) => {
      await createChannel(db, SYSTEM_ACTOR, { id: "stable", osFamily: "flatcar", description: "" });
      await createReleases(db, SYSTEM_ACTOR, [flatcarRelease("3975.2.2"), flatcarRelease("4081.2.0")], "release.import");
      await createGroup(db, SYSTEM_ACTOR, { id: "edge-berlin", description: "", channelId: "stable" });
      await createGroup(db, SYSTEM_ACTOR, { id: "lab", description: "", channelId: "stable" });
      await updateGroup(db, SYSTEM_ACTOR, "edge-berlin", { requiresApproval: true, approvalsRequired: 2 });
      await db.insert(hosts).values({ id: HOST, osFamily: "flatcar", osVersion: "4081.2.0", previousVersion: "3975.2.2", arch: "amd64", updateState: "idle", protocol: "omaha", groupId: "edge-berlin", channelId: "stable", labels: { site: "berlin" } });
      applied(await setPin(db, SYSTEM_ACTOR, { scope: "group", targetId: "edge-berlin", version: "4081.2.0", reason: "freeze", owner: "sre", expiresAt: null }));
      await saveConfigVersion(db, SYSTEM_ACTOR, "edge", { format: "ignition", source: cfg("one"), message: "v1", draft: false });
      await saveConfigVersion(db, SYSTEM_ACTOR, "edge", { format: "ignition", source: cfg("two"), message: "v2", draft: false });
      await publishConfigVersion(db, SYSTEM_ACTOR, "edge", 1, null);
      applied(await createAssignment(db, SYSTEM_ACTOR, { name: "berlin", configId: "edge", version: null, selectors: { group: "edge-berlin" } }));
    },
  });
  const db = () => t.server.database.db;

  const send = async (op: OperatorOperation, r: { params?: Record<string, string>; body?: unknown; query?: string }) => {
    const res = await fetch(`${t.server.url}${concretePath(op, r.params)}${r.query ? `?${r.query}` : ""}`, {
      method: op.method,
      headers: { authorization: `Bearer ${t.users.operator.token}`, ...(r.body === undefined ? {} : { "content-type": "application/json" }) },
      ...(r.body === undefined ? {} : { body: JSON.stringify(r.body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };

  it("has a scenario for every gated route", () => {
    expect(gatedOps.map(label).filter((l) => !SCENARIOS[l])).toEqual([]);
  });

  it.each(gatedOps.map((op) => [label(op), op] as const))("%s: reaching edge-berlin answers 202 with an approval request, and nothing changes", async (name, op) => {
    const scenario = SCENARIOS[name]!;
    const res = await send(op, await scenario.request(db()));
    expect(res.status, `${name} answered ${res.status} ${JSON.stringify(res.json)}`).toBe(202);
    expect(res.json).toMatchObject({ status: "awaiting_approval", approvalsRequired: 2 });
    const request = (await listApprovals(db(), "pending")).find((a) => a.id === res.json.requestId);
    expect(request, "a pending approval request").toBeDefined();
    expect(request!.requestedByEmail).toBe(t.users.operator.email);
    expect(JSON.stringify(request!.plan)).toContain("edge-berlin");
    await scenario.unchanged(db());
  });

  it("a label selector that moves hosts out of an approval-required group needs that group's approvals; approved, it applies as asked", async () => {
    const res = await send(writes.find((op) => label(op) === "PATCH /api/v1/groups/{id}")!, { params: { id: "lab" }, body: { labelSelector: { site: "berlin" } } });
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ groups: ["edge-berlin"], approvalsRequired: 2 });
    expect((await db().select().from(groups).where(eq(groups.id, "lab")))[0]?.labelSelector).toBeNull();
    const approver = (email: string): Actor => ({ userId: null, email, role: "approver", via: "session", clientAddr: null });
    const [a1, a2] = await Promise.all(
      ["gate-ap1@example.com", "gate-ap2@example.com"].map(async (email) => {
        const { createUser } = await import("@/db/queries/users");
        const u = await createUser(db(), SYSTEM_ACTOR, { email, name: email, password: "long-enough-password", role: "approver" });
        return { ...approver(email), userId: u.id };
      }),
    );
    expect(await vote(db(), a1!, String(res.json.requestId), "approve", "ok", applierFor)).toEqual({ status: "pending" });
    expect(await vote(db(), a2!, String(res.json.requestId), "approve", "ok", applierFor)).toEqual({ status: "approved" });
    expect((await db().select().from(groups).where(eq(groups.id, "lab")))[0]?.labelSelector).toEqual({ site: "berlin" });
  });

  it("a change that reaches no approval-required group applies at once", async () => {
    const res = await send(writes.find((op) => label(op) === "POST /api/v1/pins")!, { body: { scope: "group", targetId: "lab", version: "3975.2.2", reason: "hold lab" } });
    expect(res.status).toBe(201);
  });
});
