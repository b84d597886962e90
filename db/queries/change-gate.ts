import type { RecallRolloutPolicy } from "@/lib/rollout/rollout";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { groups, hosts, pins, releases } from "../schema/fleet";
import { ignitionAssignments, ignitionConfigs } from "../schema/ignition";
import { requestApproval } from "./approvals";
import type { Actor } from "./audit";
import { filterConditions } from "./hosts";
import type { HostQuery } from "@/lib/fleet/host-query";
import type { GroupPatchJson } from "@/lib/approvals/change-gate";
import { GroupPolicySchema } from "@/lib/rollout/policy-schema";
import type { PreviewResult, Proposal } from "@/lib/update/preview";

/**
 * The one rule, in one place: a change whose effect reaches the hosts of a group that requires
 * approval waits for the approvals that group requires, bound to the exact change (its input
 * is the plan; what is applied on approval is that input and nothing else).
 *
 * Rollouts (channel target, a group joining a channel, a rollout by hand, a re-plan after a
 * policy edit) carry their own approval bound to the rollout plan (db/queries/rollouts.ts);
 * every other mutation that can reach hosts calls `gateChange` inside its transaction before
 * it changes anything. tests/integration/change-gate.test.ts walks every mutating route of the
 * OpenAPI document and fails for a route that is neither classified as not reaching hosts nor
 * shown to stop at this gate (lib/approvals/change-gate.ts holds the classification).
 *
 * Internal actors (`via: "system"`: seeds, the engine, the applier of an approved change) are
 * not operator requests and pass.
 */

/** The change as stored in the approval plan: JSON only (dates as ISO text). */
export type GatedChange =
  | { kind: "ignition.assign"; input: { name: string; configId: string; version: number | null; selectors: Record<string, string>; variables?: Record<string, string> } }
  | { kind: "ignition.unassign"; input: { id: string; name: string } }
  | { kind: "pin.set"; input: { scope: "group" | "host"; targetId: string; version: string; reason: string; owner: string; expiresAt: string | null; allowDowngrade: boolean; replaceRollback?: boolean } }
  | { kind: "pin.remove"; input: { id: string; reason: string | null } }
  | { kind: "pin.bulk"; input: { filter: HostQuery; version: string; reason: string; owner: string; expiresAt: string | null; allowDowngrade: boolean; replaceRollback?: boolean } }
  | { kind: "release.recall"; input: { id: string; reason: string; rollouts?: RecallRolloutPolicy } }
  | { kind: "group.update"; input: { id: string; patch: GroupPatchJson } }
  | { kind: "fleet.policy"; input: { policy: Record<string, unknown>; reason: string } };

export interface GateHold {
  status: "awaiting_approval";
  requestId: string;
  approvalsRequired: number;
  /** The approval-required groups the change reaches. */
  groups: string[];
}

export function isGateHold(x: unknown): x is GateHold {
  return typeof x === "object" && x !== null && (x as { status?: unknown }).status === "awaiting_approval" && typeof (x as { requestId?: unknown }).requestId === "string";
}

type ApprovalGroups = Map<string, number>;

async function approvalGroups(tx: Db): Promise<ApprovalGroups> {
  const rows = await tx.select({ id: groups.id, n: groups.approvalsRequired }).from(groups).where(eq(groups.requiresApproval, true));
  return new Map(rows.map((r) => [r.id, r.n]));
}

/**
 * Groups an Ignition assignment serves. A `group` selector names one; any other assignment can
 * match a first-boot request of any group (selectors are the request's), so it reaches them all.
 */
function assignmentReach(selectors: Record<string, string>, all: ApprovalGroups): string[] {
  const g = selectors.group;
  if (typeof g === "string") return all.has(g) ? [g] : [];
  return [...all.keys()];
}

/** An assignment serves something only when it names a version or its config has a published one. */
async function servable(tx: Db, configId: string, version: number | null): Promise<boolean> {
  if (version !== null) return true;
  const [c] = await tx.select({ published: ignitionConfigs.publishedVersion }).from(ignitionConfigs).where(eq(ignitionConfigs.id, configId));
  return c?.published !== null && c?.published !== undefined;
}

/** Approval-required groups reached by publishing a new version of a config (assignments following its published version). */
export async function ignitionPublishReach(tx: Db, configId: string): Promise<Array<{ id: string; approvalsRequired: number }>> {
  const all = await approvalGroups(tx);
  if (all.size === 0) return [];
  const assigned = await tx.select({ selectors: ignitionAssignments.selectors }).from(ignitionAssignments).where(and(eq(ignitionAssignments.configId, configId), isNull(ignitionAssignments.version)));
  const ids = new Set(assigned.flatMap((a) => assignmentReach(a.selectors, all)));
  return [...ids].sort().map((id) => ({ id, approvalsRequired: all.get(id)! }));
}

async function groupsOfHostsWhere(tx: Db, all: ApprovalGroups, cond: ReturnType<typeof sql>): Promise<string[]> {
  if (all.size === 0) return [];
  const rows = await tx
    .selectDistinct({ g: hosts.groupId })
    .from(hosts)
    .where(and(cond, inArray(hosts.groupId, [...all.keys()])));
  return rows.map((r) => r.g);
}

async function pinTargetGroups(tx: Db, all: ApprovalGroups, scope: "group" | "host", targetId: string): Promise<string[]> {
  if (scope === "group") return all.has(targetId) ? [targetId] : [];
  const [h] = await tx.select({ g: hosts.groupId }).from(hosts).where(eq(hosts.id, targetId));
  return h && all.has(h.g) ? [h.g] : [];
}

/** Which approval-required groups a change reaches (sorted, unique). */
export async function reachedApprovalGroups(tx: Db, change: GatedChange): Promise<string[]> {
  const all = await approvalGroups(tx);
  if (all.size === 0) return [];
  const reached = await reach(tx, all, change);
  return [...new Set(reached)].sort();
}

async function reach(tx: Db, all: ApprovalGroups, change: GatedChange): Promise<string[]> {
  switch (change.kind) {
    case "ignition.assign":
      return (await servable(tx, change.input.configId, change.input.version)) ? assignmentReach(change.input.selectors, all) : [];
    case "ignition.unassign": {
      // The hosts it served fall through to another config (or none).
      const [a] = await tx.select().from(ignitionAssignments).where(eq(ignitionAssignments.id, change.input.id));
      return a && (await servable(tx, a.configId, a.version)) ? assignmentReach(a.selectors, all) : [];
    }
    case "pin.set":
      return pinTargetGroups(tx, all, change.input.scope, change.input.targetId);
    case "pin.remove": {
      const [p] = await tx.select().from(pins).where(eq(pins.id, change.input.id));
      return p ? pinTargetGroups(tx, all, p.scope, p.targetId) : [];
    }
    case "pin.bulk": {
      const where = filterConditions(change.input.filter);
      return groupsOfHostsWhere(tx, all, where.length ? sql`${and(...where)}` : sql`true`);
    }
    case "release.recall": {
      // Hosts running the recalled release are taken back to the last good one.
      const [rel] = await tx.select().from(releases).where(eq(releases.id, change.input.id));
      return rel ? groupsOfHostsWhere(tx, all, sql`${hosts.osFamily} = ${rel.osFamily} AND ${hosts.osVersion} = ${rel.version}`) : [];
    }
    case "group.update": {
      const { description: _d, expectedUpdatedAt: _e, ...effective } = change.input.patch;
      const out: string[] = [];
      // Anything but the description of an approval-required group changes what its hosts get,
      // including turning the rule off.
      if (all.has(change.input.id) && Object.keys(effective).length > 0) out.push(change.input.id);
      // A selector takes hosts out of the group they were in; those of approval-required groups are reached.
      const sel = change.input.patch.labelSelector;
      if (sel) out.push(...(await groupsOfHostsWhere(tx, all, sql`${hosts.labels} @> ${JSON.stringify(sel)}::jsonb AND ${hosts.groupId} <> ${change.input.id}`)));
      return out;
    }
    case "fleet.policy": {
      // Approval-required groups without a policy of their own follow the fleet default.
      const rows = await tx.select({ id: groups.id }).from(groups).where(and(eq(groups.requiresApproval, true), isNull(groups.policy)));
      return rows.map((r) => r.id);
    }
  }
}

/** The preview proposal that shows a change's effect on the hosts, where there is one. */
function proposalOf(change: GatedChange): Proposal | null {
  switch (change.kind) {
    case "pin.set":
      return { kind: "pin", scope: change.input.scope, targetId: change.input.targetId, version: change.input.version, allowDowngrade: change.input.allowDowngrade };
    case "pin.remove":
      return { kind: "unpin", pinId: change.input.id };
    case "release.recall":
      return { kind: "recall", releaseId: change.input.id };
    case "ignition.assign":
      return { kind: "assignment", configId: change.input.configId, selectors: change.input.selectors };
    case "group.update": {
      const { policy, labelSelector } = change.input.patch;
      if (labelSelector) return { kind: "selector", groupId: change.input.id, labelSelector };
      const parsed = policy ? GroupPolicySchema.safeParse(policy) : null;
      return parsed?.success ? { kind: "policy", groupId: change.input.id, policy: parsed.data } : null;
    }
    default:
      return null;
  }
}

async function previewOf(tx: Db, change: GatedChange): Promise<PreviewResult | undefined> {
  const proposal = proposalOf(change);
  if (!proposal) return undefined;
  // Loaded on use: the preview reads the policy snapshot, whose modules import this one.
  const { previewChange } = await import("./preview");
  return previewChange(tx, proposal, { asApproved: true });
}

function subjectOf(change: GatedChange): string {
  const i = change.input as Record<string, unknown>;
  const key = i.id ?? i.name ?? (i.scope ? `${String(i.scope)}:${String(i.targetId)}` : change.kind === "pin.bulk" ? JSON.stringify((change.input as { filter: unknown }).filter) : "fleet");
  return `${change.kind}:${String(key)}`.slice(0, 500);
}

/**
 * Call inside the change's transaction before changing anything: null = go ahead; otherwise an
 * approval request bound to exactly this change was opened and nothing may be changed.
 */
export async function gateChange(tx: Db, actor: Actor, change: GatedChange, reason: string | null, extra: { preview?: unknown } = {}): Promise<GateHold | null> {
  if (actor.via === "system") return null;
  const all = await approvalGroups(tx);
  if (all.size === 0) return null;
  const reached = [...new Set(await reach(tx, all, change))].sort();
  if (reached.length === 0) return null;
  const approvalsRequired = Math.max(...reached.map((g) => all.get(g) ?? 1));
  // The approvers see (and the plan's hash binds) the blast radius the change has once applied.
  const preview = extra.preview ?? (await previewOf(tx, change));
  const request = await requestApproval(tx, actor, {
    subjectType: "change",
    subjectId: subjectOf(change),
    plan: { change, groups: reached, ...(preview !== undefined ? { preview } : {}) } as Record<string, unknown>,
    approvalsRequired,
    reason: reason ?? `${change.kind} reaching ${reached.join(", ")}`,
  });
  return { status: "awaiting_approval", requestId: request.id, approvalsRequired, groups: reached };
}

/** The requester, acting through the approval: the change is audited under their name. */
export function requesterActor(request: { requestedBy: string | null; requestedByEmail: string }): Actor {
  return { userId: request.requestedBy, email: request.requestedByEmail, role: "requester", via: "system", clientAddr: null };
}
