import type { Db } from "@/db/client";
import { hostTrust, recordAgentRefusals, type RefusalSummary } from "@/db/queries/agent-trust";
import { NewHostBudget } from "@/lib/agent/new-host-budget";
import { logger } from "@/lib/log";
import type { Metrics } from "./metrics";

export type OpenProtocol = "omaha" | "cincinnati" | "fleetlock";

/**
 * May an unauthenticated request about this host be stored? `known` and `new`: yes. Refused:
 * the host was enrolled with a token (only its token-carrying agent may change it), or it is new
 * and the new-host budget of this minute is spent.
 */
export type Admission = "known" | "new" | "host_enrolled_with_token" | "new_host_cap";

export interface AgentGateOptions {
  newHostsPerMinute: number;
  metrics: Metrics;
  /** How often a refusal reason is logged and written to the audit log, at most. */
  alertIntervalMs?: number;
  now?: () => number;
}

interface Waiter {
  id: string;
  protocol: OpenProtocol;
  clientAddr: string | null;
  resolve: (a: Admission) => void;
  reject: (err: unknown) => void;
}

const SAMPLE = 5;

/**
 * The admission check of the open agent protocols (ARCHITECTURE.md "Trust model"). Requests
 * that arrive in one event-loop turn share one lookup, so a check-in costs a primary-key probe
 * inside a batched query, not a round trip of its own.
 */
export class AgentGate {
  private readonly budget: NewHostBudget;
  private queue: Waiter[] = [];
  private scheduled = false;
  private readonly pending = new Map<RefusalSummary["reason"], RefusalSummary>();
  private readonly lastAlert = new Map<RefusalSummary["reason"], number>();

  constructor(
    private readonly db: Db,
    private readonly opts: AgentGateOptions,
  ) {
    this.budget = new NewHostBudget(opts.newHostsPerMinute, opts.now);
  }

  admit(id: string, protocol: OpenProtocol, clientAddr: string | null): Promise<Admission> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id, protocol, clientAddr, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue.splice(0);
    if (batch.length === 0) return;
    let known: Map<string, { tokenEnrolled: boolean }>;
    try {
      known = await hostTrust(this.db, [...new Set(batch.map((w) => w.id))]);
    } catch (err) {
      for (const w of batch) w.reject(err);
      return;
    }
    for (const w of batch) {
      const host = known.get(w.id);
      // FleetLock only takes slots of hosts that exist; it never enrolls one.
      const admission: Admission = host ? (host.tokenEnrolled ? "host_enrolled_with_token" : "known") : w.protocol === "fleetlock" || this.budget.take(w.id) ? "new" : "new_host_cap";
      if (admission === "host_enrolled_with_token" || admission === "new_host_cap") this.refused(admission, w);
      w.resolve(admission);
    }
  }

  /** Counts a refusal; once per interval per reason, a log line and an audit row say how many. */
  private refused(reason: RefusalSummary["reason"], w: Waiter): void {
    this.opts.metrics.agentRefused.inc({ protocol: w.protocol, reason });
    const now = this.opts.now?.() ?? Date.now();
    let s = this.pending.get(reason);
    if (!s) {
      s = { reason, count: 0, since: new Date(now), protocols: [], hosts: [], addresses: [] };
      this.pending.set(reason, s);
    }
    s.count++;
    if (!s.protocols.includes(w.protocol)) s.protocols.push(w.protocol);
    if (s.hosts.length < SAMPLE && !s.hosts.includes(w.id)) s.hosts.push(w.id);
    if (w.clientAddr && s.addresses.length < SAMPLE && !s.addresses.includes(w.clientAddr)) s.addresses.push(w.clientAddr);
    const last = this.lastAlert.get(reason) ?? Number.NEGATIVE_INFINITY;
    if (now - last < (this.opts.alertIntervalMs ?? 60_000)) return;
    this.lastAlert.set(reason, now);
    this.pending.delete(reason);
    logger().warn({ reason: s.reason, requests: s.count, since: s.since.toISOString(), protocols: s.protocols, hosts: s.hosts, addresses: s.addresses }, "agent requests refused");
    recordAgentRefusals(this.db, s).catch((err: unknown) => logger().warn({ err: err instanceof Error ? err.message : String(err) }, "could not record refused agent requests"));
  }
}
