import { z } from "zod";
import { decideUpdate, type HostFacts, type UpdateDecision } from "./decide";
import type { GroupInfo, PinInfo, PolicySnapshot, RolloutInfo } from "./policy";
import { GroupPolicySchema, type GroupPolicy, type Phase } from "../rollout/policy-schema";
import { phaseCutoffs } from "../rollout/phases";

/**
 * Blast-radius preview: the real update decision (`decideUpdate`) run for each host under a
 * proposed change, against the same decision now. The change is applied to a copy of the
 * policy snapshot; nothing here touches a database.
 */

const name = z.string().min(1).max(64);
const version = z.string().min(1).max(64);

export const ProposalSchema = z.discriminatedUnion("kind", [
  /** `groupId`: only that group's hosts on the channel (the preview of one group's rollout). */
  z.object({ kind: z.literal("target"), channelId: name, releaseId: z.uuid(), groupId: name.optional() }),
  z.object({ kind: z.literal("pin"), scope: z.enum(["group", "host"]), targetId: name, version, allowDowngrade: z.boolean().default(false) }),
  z.object({ kind: z.literal("unpin"), pinId: z.uuid() }),
  z.object({ kind: z.literal("recall"), releaseId: z.uuid() }),
  z.object({ kind: z.literal("policy"), groupId: name, policy: GroupPolicySchema }),
  z.object({ kind: z.literal("selector"), groupId: name, labelSelector: z.record(z.string().min(1).max(63), z.string().max(256)) }),
  z.object({ kind: z.literal("assignment"), configId: name, selectors: z.record(z.string().min(1).max(63), z.string().min(1).max(256)) }),
]);
export type Proposal = z.output<typeof ProposalSchema>;

/** What the proposal needs beyond the snapshot: group policies (phases) and sizes for a new rollout. */
export interface PreviewContext {
  /** Phases of each group's own policy; groups without one follow `defaultPhases`. */
  groupPhases: Map<string, Phase[]>;
  defaultPhases: Phase[];
  /** Hosts per group (live counts). */
  groupSizes: Map<string, number>;
  /** The effect once approved (what an approver is shown): a new rollout runs instead of waiting. */
  asApproved?: boolean;
}

export interface PreviewHost extends HostFacts {
  hostname: string;
  channelId: string | null;
  labels: Record<string, string>;
}

/** Copies the snapshot with the proposal applied (the maps it changes are copied; the rest is shared). */
export function proposedSnapshot(p: PolicySnapshot, proposal: Proposal, ctx: PreviewContext): PolicySnapshot {
  const next: PolicySnapshot = { ...p, windowMemo: new Map() };
  switch (proposal.kind) {
    case "target": {
      const channel = p.channels.get(proposal.channelId);
      const release = p.releases.get(proposal.releaseId);
      if (!channel || !release) return next;
      next.channels = new Map(p.channels).set(channel.id, { ...channel, targetReleaseId: release.id });
      // Each group with hosts on the channel gets a new rollout in its first phase (awaiting approval where required).
      next.rollouts = new Map(p.rollouts);
      for (const [groupId, size] of ctx.groupSizes) {
        const g = p.groups.get(groupId);
        if ((g?.channelId && g.channelId !== channel.id) || (proposal.groupId && proposal.groupId !== groupId)) continue;
        const phases = ctx.groupPhases.get(groupId) ?? ctx.defaultPhases;
        const rollout: RolloutInfo = {
          id: `preview:${groupId}`,
          groupId,
          channelId: channel.id,
          version: release.version,
          status: g?.approvalsRequired && !ctx.asApproved ? "awaiting_approval" : "running",
          phaseIndex: 0,
          phaseNames: phases.map((ph) => ph.name),
          cutoffs: phaseCutoffs(phases, size),
          stoppedBy: null,
          approvals: 0,
          approvalsRequired: g?.approvalsRequired ?? 1,
          rejectedBy: null,
        };
        next.rollouts.set(groupId, rollout);
      }
      return next;
    }
    case "pin": {
      const pin: PinInfo = { id: "preview", scope: proposal.scope, targetId: proposal.targetId, version: proposal.version, reason: "proposed", owner: "preview", expiresAt: null, allowDowngrade: proposal.allowDowngrade };
      if (proposal.scope === "group") next.groupPins = new Map(p.groupPins).set(proposal.targetId, pin);
      else next.hostPins = new Map(p.hostPins).set(proposal.targetId, pin);
      return next;
    }
    case "unpin": {
      next.groupPins = new Map([...p.groupPins].filter(([, x]) => x.id !== proposal.pinId));
      next.hostPins = new Map([...p.hostPins].filter(([, x]) => x.id !== proposal.pinId));
      return next;
    }
    case "recall": {
      const rel = p.releases.get(proposal.releaseId);
      if (!rel) return next;
      const mark = (r: typeof rel) => (r.osFamily === rel.osFamily && r.version === rel.version && !r.recalled ? { ...r, recalled: "proposed recall" } : r);
      next.releases = new Map([...p.releases].map(([id, r]) => [id, mark(r)]));
      next.releasesByChannelArch = new Map([...p.releasesByChannelArch].map(([k, list]) => [k, list.map(mark)]));
      return next;
    }
    case "policy": {
      const before = p.groups.get(proposal.groupId);
      next.groups = new Map(p.groups).set(proposal.groupId, groupWithPolicy(before, proposal.groupId, proposal.policy));
      return next;
    }
    case "selector": {
      const before = p.groups.get(proposal.groupId);
      next.groups = new Map(p.groups).set(proposal.groupId, { ...(before ?? { id: proposal.groupId, channelId: null, maintenanceWindows: null, limits: null, approvalsRequired: null }), labelSelector: proposal.labelSelector });
      return next;
    }
    case "assignment":
      return next;
  }
}

function groupWithPolicy(before: GroupInfo | undefined, id: string, policy: GroupPolicy): GroupInfo {
  const limited = policy.maxConcurrentUpdates !== null || policy.maxUpdatesPerPeriod !== null;
  return {
    id,
    channelId: before?.channelId ?? null,
    labelSelector: before?.labelSelector ?? null,
    maintenanceWindows: policy.maintenanceWindows,
    limits: limited ? { maxConcurrentUpdates: policy.maxConcurrentUpdates, maxUpdatesPerPeriod: policy.maxUpdatesPerPeriod, updateTimeoutMinutes: policy.updateTimeoutMinutes } : null,
    approvalsRequired: policy.requiresApproval ? policy.approvalsRequired : null,
  };
}

export interface OutcomeCount {
  /** `offer:<version>` or `hold:<reason>`. */
  key: string;
  /** `serve`: an Ignition config served at the next provisioning. */
  kind: "offer" | "hold" | "serve";
  version: string | null;
  reason: string | null;
  /** One example of the hold's words, as the host would get them. */
  detail: string | null;
  count: number;
  sample: Array<{ id: string; hostname: string; groupId: string }>;
}

export interface PreviewResult {
  /** Hosts in the change's scope (live counts). */
  hosts: number;
  /** Hosts whose decision was computed; below `hosts` when a uniform sample was taken. */
  examined: number;
  exact: boolean;
  /** Outcomes under the proposed change (counts scaled to `hosts` when sampled). */
  outcomes: OutcomeCount[];
  /** Hosts whose decision the change alters. */
  changed: number;
  groups: Array<{ id: string; hosts: number; approvalsRequired: number | null }>;
  computedAt: string;
}

const SAMPLE_PER_OUTCOME = 5;

function keyOf(d: UpdateDecision): { key: string; kind: "offer" | "hold"; version: string | null; reason: string | null; detail: string | null } {
  if (d.kind === "offer") return { key: `offer:${d.release.version}${d.rollback ? ":rollback" : ""}`, kind: "offer", version: d.release.version, reason: d.rollback ? "rollback" : null, detail: null };
  return { key: `hold:${d.reason}`, kind: "hold", version: null, reason: d.reason, detail: d.detail };
}

/** Accumulates decisions page by page, so a pass over many hosts keeps only counts and samples. */
export class PreviewTally {
  private readonly outcomes = new Map<string, OutcomeCount>();
  private changedCount = 0;
  examined = 0;

  constructor(
    private readonly now: PolicySnapshot,
    private readonly proposed: PolicySnapshot,
    private readonly proposal: Proposal,
    private readonly at: Date,
  ) {}

  add(host: PreviewHost): void {
    this.examined++;
    const groupId = this.proposal.kind === "selector" && Object.entries(this.proposal.labelSelector).every(([k, v]) => host.labels[k] === v) ? this.proposal.groupId : host.groupId;
    const channelOf = (p: PolicySnapshot, g: string) => {
      const own = p.groups.get(g)?.channelId;
      return (own ? p.channels.get(own) : undefined) ?? (host.channelId ? p.channels.get(host.channelId) : undefined) ?? null;
    };
    const before = decideUpdate(this.now, channelOf(this.now, host.groupId), host, this.at);
    const after = decideUpdate(this.proposed, channelOf(this.proposed, groupId), { ...host, groupId }, this.at);
    const k = keyOf(after);
    if (k.key !== keyOf(before).key || groupId !== host.groupId) this.changedCount++;
    let o = this.outcomes.get(k.key);
    if (!o) this.outcomes.set(k.key, (o = { ...k, count: 0, sample: [] }));
    o.count++;
    if (o.sample.length < SAMPLE_PER_OUTCOME) o.sample.push({ id: host.id, hostname: host.hostname, groupId });
  }

  result(scopeHosts: number, groups: PreviewResult["groups"], computedAt: Date): PreviewResult {
    const exact = this.examined >= scopeHosts;
    const scale = exact || this.examined === 0 ? 1 : scopeHosts / this.examined;
    const outcomes = [...this.outcomes.values()].map((o) => ({ ...o, count: Math.round(o.count * scale) })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return { hosts: exact ? this.examined : scopeHosts, examined: this.examined, exact, outcomes, changed: Math.round(this.changedCount * scale), groups, computedAt: computedAt.toISOString() };
  }
}
