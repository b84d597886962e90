import client from "prom-client";
import type { Db } from "@/db/client";
import { fleetMetricsSnapshot, type FleetMetricsSnapshot } from "@/db/queries/fleet-metrics";

/**
 * Gauges an SRE alerts on, filled at scrape time from one snapshot (cached 10 s, so several
 * gauges and a tight scrape interval cost one round of small queries).
 */
export function registerFleetMetrics(registry: client.Registry, db: Db, cacheMs = 10_000): void {
  let cache: { at: number; snap: Promise<FleetMetricsSnapshot> } | undefined;
  const snapshot = () => {
    if (!cache || Date.now() - cache.at > cacheMs) {
      const snap = fleetMetricsSnapshot(db);
      cache = { at: Date.now(), snap };
      // A failed read is not cached: the next scrape asks again.
      snap.catch(() => {
        cache = undefined;
      });
    }
    return cache.snap;
  };
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[], fill: (g: client.Gauge<L>, s: FleetMetricsSnapshot) => void) =>
    new client.Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const s = await snapshot();
        this.reset();
        fill(this, s);
      },
    });

  gauge("flotilla_fleet_hosts", "Hosts by group, channel, OS family, version, update state and health", ["group", "channel", "os_family", "version", "state", "healthy"] as const, (g, s) => {
    for (const h of s.hosts) g.set({ group: h.group, channel: h.channel, os_family: h.osFamily, version: h.version, state: h.state, healthy: String(h.healthy) }, h.count);
  });
  gauge("flotilla_channel_hosts_behind_target", "Hosts on a channel not running its target release", ["channel", "target"] as const, (g, s) => {
    for (const c of s.channels) if (c.target) g.set({ channel: c.channel, target: c.target }, c.behind);
  });
  gauge("flotilla_channel_target_age_seconds", "Seconds since the channel's target (or its rollout) was set", ["channel", "target"] as const, (g, s) => {
    for (const c of s.channels) if (c.target && c.targetSince) g.set({ channel: c.channel, target: c.target }, Math.max(0, (Date.now() - Date.parse(c.targetSince)) / 1000));
  });
  gauge("flotilla_channel_paused", "1 while the channel is paused", ["channel"] as const, (g, s) => {
    for (const c of s.channels) g.set({ channel: c.channel }, c.paused ? 1 : 0);
  });
  const rolloutLabels = ["rollout", "group", "version"] as const;
  gauge("flotilla_rollout_status", "1 for the status of each live rollout", [...rolloutLabels, "status"] as const, (g, s) => {
    for (const r of s.rollouts) g.set({ rollout: r.id, group: r.group, version: r.version, status: r.status }, 1);
  });
  gauge("flotilla_rollout_phase", "Index of the current phase (0-based) of each live rollout", rolloutLabels, (g, s) => {
    for (const r of s.rollouts) g.set({ rollout: r.id, group: r.group, version: r.version }, r.phase);
  });
  gauge("flotilla_rollout_share_reached", "Share of the rollout's group updated so far (0–1)", rolloutLabels, (g, s) => {
    for (const r of s.rollouts) g.set({ rollout: r.id, group: r.group, version: r.version }, r.fleetSize > 0 ? r.updated / r.fleetSize : 0);
  });
  gauge("flotilla_rollout_failure_rate", "Failed and rolled-back hosts over results so far (0–1)", rolloutLabels, (g, s) => {
    for (const r of s.rollouts) g.set({ rollout: r.id, group: r.group, version: r.version }, r.results > 0 ? r.failed / r.results : 0);
  });
  gauge("flotilla_rollout_failure_threshold", "The current phase's failure-rate threshold (0–1), when it has one", rolloutLabels, (g, s) => {
    for (const r of s.rollouts) if (r.maxFailureRate !== null) g.set({ rollout: r.id, group: r.group, version: r.version }, r.maxFailureRate);
  });
  gauge("flotilla_approvals_pending", "Approval requests waiting for votes", [] as const, (g, s) => {
    g.set(s.approvalsPending);
  });
  gauge("flotilla_webhook_deliveries", "Webhook deliveries not yet delivered, by subscription and status (failed = given up)", ["webhook", "status"] as const, (g, s) => {
    for (const d of s.webhookDeliveries) g.set({ webhook: d.webhook, status: d.status }, d.count);
  });
}
