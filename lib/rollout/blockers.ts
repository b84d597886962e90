import { formatPeriod, holdFromWindow, holdText, stoppedByWho, type StoppedBy } from "./hold-reasons";
import { rateLimitAllows } from "./limits";
import type { MaintenanceWindows, RateLimit } from "./policy-schema";
import type { RolloutStatus } from "./rollout";
import { isInWindow } from "./windows";

/**
 * Why a rollout cannot move, each with the hosts it holds and who or what set it (issue 19:
 * "waits for results: 0 of 5" while a pin held the whole group said nothing true). Pure: the
 * inputs are gathered by db/queries/rollout-blockers.ts.
 */

/**
 * A host silent this long is reported as offline: update_engine checks about once an hour
 * (with fuzz) and Zincati every few minutes, so two missed hourly checks mean the host cannot
 * be reached now, whatever the rollout does.
 */
export const OFFLINE_AFTER_MINUTES = 120;

/** Hosts are named by a count and a few machine ids (the page links them). */
export interface HostSample {
  n: number;
  sample: string[];
}

export const BLOCKER_KINDS = ["approval", "rollout_paused", "recalled", "channel_paused", "pin", "window", "rate_limit", "concurrency_limit", "fleetlock", "offline"] as const;
export type BlockerKind = (typeof BLOCKER_KINDS)[number];

export interface Blocker {
  kind: BlockerKind;
  /** One sentence: what holds the rollout, with the numbers. */
  text: string;
  /** Hosts it holds (count and a sample of machine ids). */
  hosts: number;
  sample: string[];
  /** Who or what set it: a person, a policy, a threshold, a FleetLock holder. */
  setBy: string;
  /** When it ends by itself (ISO), null when only someone's action ends it or it is unknown. */
  until: string | null;
  /** It holds every host still to update, so the rollout as a whole cannot move. */
  blocksAll: boolean;
}

export interface PinHolding {
  scope: "group" | "host";
  version: string;
  owner: string;
  reason: string;
  allowDowngrade: boolean;
  expiresAt: Date | null;
  hosts: HostSample;
}

export interface BlockerInputs {
  now: Date;
  rollout: {
    status: RolloutStatus;
    version: string;
    groupId: string;
    stoppedBy: StoppedBy | null;
    maintenanceWindows: MaintenanceWindows | null;
    maxConcurrentUpdates: number | null;
    maxUpdatesPerPeriod: RateLimit | null;
  };
  /** Hosts of the group still below the rollout's version and not updating right now. */
  waiting: HostSample;
  approval: { approvals: number; required: number; requestedBy: string } | null;
  recall: { reason: string } | null;
  channel: { id: string; paused: boolean; pausedReason: string | null; pausedBy: string | null } | null;
  /** Who last set the group's policy (windows, limits), from the audit log. */
  policyBy: string | null;
  pins: PinHolding[];
  slots: { inProgress: number; startedInPeriod: number };
  fleetLock: Array<{ id: string; totalSlots: number; holders: string[]; waiting: HostSample }>;
  offline: HostSample;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function blocker(kind: BlockerKind, text: string, hosts: HostSample, setBy: string, until: Date | null, blocksAll: boolean): Blocker {
  return { kind, text, hosts: hosts.n, sample: hosts.sample, setBy, until: until ? until.toISOString() : null, blocksAll };
}

/** Every reason the rollout cannot move now, most sweeping first. */
export function rolloutBlockers(i: BlockerInputs): Blocker[] {
  const r = i.rollout;
  const out: Blocker[] = [];
  if (r.status !== "awaiting_approval" && r.status !== "running" && r.status !== "paused") return out;
  const policy = i.policyBy ? `group ${r.groupId} policy (set by ${i.policyBy})` : `group ${r.groupId} policy`;
  if (r.status === "awaiting_approval" && i.approval) {
    const a = i.approval;
    out.push(blocker("approval", `Waiting for approval: ${a.approvals} of ${a.required}; no host is offered ${r.version} before.`, i.waiting, `requested by ${a.requestedBy}`, null, true));
  }
  if (r.status === "paused") {
    const by = r.stoppedBy;
    out.push(blocker("rollout_paused", `The rollout is paused${by ? `: ${by.reason}` : ""}.`, i.waiting, by ? stoppedByWho(by) : "an operator", null, true));
  }
  if (i.recall) out.push(blocker("recalled", `${r.version} was recalled: ${i.recall.reason}. It is never offered.`, i.waiting, "release recall", null, true));
  if (i.channel?.paused) {
    const c = i.channel;
    out.push(blocker("channel_paused", `Channel ${c.id} is paused${c.pausedReason ? `: ${c.pausedReason}` : ""}.`, i.waiting, c.pausedBy ?? "an operator", null, true));
  }
  for (const p of i.pins) {
    if (p.hosts.n === 0) continue;
    const verb = p.allowDowngrade ? "rolled back" : "pinned";
    const who = p.scope === "group" ? `Group ${r.groupId} is ${verb}` : `${plural(p.hosts.n, "host is", "hosts are")} ${verb}`;
    const text = `${who} to ${p.version}: ${p.reason}. A pin replaces the rollout for the hosts it covers.`;
    // A group pin holds every waiting host that has no pin of its own.
    const blocksAll = p.scope === "group" && p.hosts.n >= i.waiting.n;
    out.push(blocker("pin", text, p.hosts, p.owner, p.expiresAt, blocksAll));
  }
  if (r.status === "running" && r.maintenanceWindows) {
    const state = isInWindow(r.maintenanceWindows, i.now);
    const hold = holdFromWindow(state, r.maintenanceWindows.timeZone);
    if (hold && !state.open) out.push(blocker("window", holdText(hold), i.waiting, policy, state.nextOpen ?? null, true));
  }
  if (r.status === "running") {
    const d = rateLimitAllows({ maxConcurrentUpdates: r.maxConcurrentUpdates, maxUpdatesPerPeriod: r.maxUpdatesPerPeriod }, i.slots);
    if (!d.allowed && d.reason === "rate_limit") {
      out.push(blocker("rate_limit", `Rate limit: ${d.started} of ${d.limit} updates started in the last ${formatPeriod(d.periodMinutes)}.`, i.waiting, policy, null, false));
    } else if (!d.allowed) {
      out.push(blocker("concurrency_limit", `Concurrency limit: ${d.inProgress} of ${d.limit} updates in progress in this group.`, i.waiting, policy, null, false));
    }
  }
  for (const f of i.fleetLock) {
    if (f.holders.length < f.totalSlots || f.waiting.n === 0) continue;
    out.push(
      blocker(
        "fleetlock",
        `FleetLock group ${f.id}: all ${plural(f.totalSlots, "reboot slot")} held; ${plural(f.waiting.n, "host waits", "hosts wait")} to reboot into ${r.version}.`,
        f.waiting,
        `held by ${f.holders.slice(0, 5).join(", ")}${f.holders.length > 5 ? ", …" : ""}`,
        null,
        false,
      ),
    );
  }
  if (i.offline.n > 0) {
    out.push(blocker("offline", `${plural(i.offline.n, "host has", "hosts have")} not checked in for ${OFFLINE_AFTER_MINUTES / 60} hours or more.`, i.offline, "the hosts (offline)", null, i.offline.n >= i.waiting.n && i.waiting.n > 0));
  }
  return out;
}

export interface Eta {
  /** ISO, or null when it cannot be estimated. */
  at: string | null;
  /** Why there is no estimate, or what it allows for. */
  note: string;
}

/**
 * The ETA with the blockers allowed for: `base` is the estimate from the pace so far
 * (estimateCompletion). A blocker that holds every host and ends only by someone's action
 * makes it unknowable (and says which); one that ends by itself (a window opening, a pin
 * expiring) pushes it back by the wait.
 */
export function etaWithBlockers(status: RolloutStatus, base: Date | null, blockers: readonly Blocker[], now: Date): Eta {
  if (status !== "running" && status !== "paused" && status !== "awaiting_approval") return { at: null, note: `the rollout is ${status.replace("_", " ")}` };
  const stopping = blockers.find((b) => b.blocksAll && b.until === null);
  if (stopping) return { at: null, note: `cannot be estimated: ${stopping.text} (${stopping.setBy})` };
  if (!base) return { at: null, note: "cannot be estimated until the first hosts finish" };
  // The longest self-ending wait among blockers that hold everything delays the whole rollout.
  let wait: Blocker | null = null;
  for (const b of blockers) if (b.blocksAll && b.until && (!wait || b.until > wait.until!)) wait = b;
  const delay = wait ? Math.max(0, new Date(wait.until!).getTime() - now.getTime()) : 0;
  const notes: string[] = [];
  if (wait && delay > 0) notes.push(`includes the wait until ${wait.kind === "window" ? "the maintenance window opens" : "the pin expires"}`);
  const partial = blockers.filter((b) => !b.blocksAll);
  if (partial.length) notes.push(`hosts held by ${partial.map((b) => `${b.kind.replace("_", " ")} (${b.hosts})`).join(", ")} are not waited for past the update timeout`);
  return { at: new Date(base.getTime() + delay).toISOString(), note: notes.join("; ") || "at the pace so far" };
}
