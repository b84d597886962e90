import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";

/**
 * What Prometheus scrapes about the fleet, read from the rollups and the small tables only
 * (overview counts, channels, live rollouts, approvals, webhook deliveries): a few hundred
 * rows whatever the fleet size, never a scan of hosts.
 */
export interface FleetMetricsSnapshot {
  hosts: Array<{ group: string; channel: string; osFamily: string; version: string; state: string; healthy: boolean; count: number }>;
  channels: Array<{ channel: string; target: string | null; paused: boolean; behind: number; targetSince: string | null }>;
  rollouts: Array<{ id: string; group: string; version: string; status: string; phase: number; phases: number; fleetSize: number; updated: number; failed: number; results: number; maxFailureRate: number | null }>;
  approvalsPending: number;
  webhookDeliveries: Array<{ webhook: string; status: string; count: number }>;
}

export async function fleetMetricsSnapshot(db: Db): Promise<FleetMetricsSnapshot> {
  const hosts = rowsOf<{ group_id: string; channel_id: string; os_family: string; os_version: string; update_state: string; health_ok: boolean; n: string }>(
    await db.execute(sql`
      SELECT group_id, channel_id, os_family, os_version, update_state, health_ok, sum(hosts) AS n
      FROM fleet_state_counts
      GROUP BY group_id, channel_id, os_family, os_version, update_state, health_ok
      HAVING sum(hosts) > 0`),
  );
  // Behind = hosts of the channel not on its target (pinned or held hosts included: that is
  // exactly what an SRE alerts on when it stays high).
  const channels = rowsOf<{ id: string; target: string | null; paused: boolean; behind: string | null; since: string | null }>(
    await db.execute(sql`
      SELECT c.id, r.version AS target, c.paused,
             (SELECT sum(f.hosts) FROM fleet_state_counts f WHERE f.channel_id = c.id AND r.version IS NOT NULL AND f.os_version <> r.version) AS behind,
             coalesce(c.rollout_started_at, c.updated_at) AS since
      FROM channels c LEFT JOIN releases r ON r.id = c.target_release_id`),
  );
  const rollouts = rowsOf<{
    id: string;
    group_id: string;
    version: string;
    status: string;
    phase_index: number;
    phases: number;
    fleet_size: number;
    updated: string;
    failed: string;
    max_rate: number | null;
  }>(
    await db.execute(sql`
      SELECT r.id, r.group_id, r.version, r.status, r.phase_index, jsonb_array_length(r.plan->'phases') AS phases, r.fleet_size,
             count(h.host_id) FILTER (WHERE h.state = 'updated') AS updated,
             count(h.host_id) FILTER (WHERE h.state IN ('failed', 'rolled_back')) AS failed,
             (r.plan->'phases'->r.phase_index->'failureThreshold'->>'maxFailureRate')::float8 AS max_rate
      FROM rollouts r LEFT JOIN rollout_hosts h ON h.rollout_id = r.id
      WHERE r.status IN ('awaiting_approval', 'running', 'paused')
      GROUP BY r.id`),
  );
  const [approvals] = rowsOf<{ n: string }>(await db.execute(sql`SELECT count(*) AS n FROM approval_requests WHERE status = 'pending'`));
  const deliveries = rowsOf<{ name: string; status: string; n: string }>(
    await db.execute(sql`
      SELECT s.name, d.status, count(*) AS n
      FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
      WHERE d.status IN ('pending', 'sending', 'failed')
      GROUP BY s.name, d.status`),
  );
  return {
    hosts: hosts.map((h) => ({ group: h.group_id, channel: h.channel_id, osFamily: h.os_family, version: h.os_version, state: h.update_state, healthy: h.health_ok, count: Number(h.n) })),
    channels: channels.map((c) => ({ channel: c.id, target: c.target, paused: c.paused, behind: Number(c.behind ?? 0), targetSince: c.target && c.since ? new Date(c.since).toISOString() : null })),
    rollouts: rollouts.map((r) => {
      const updated = Number(r.updated);
      const failed = Number(r.failed);
      return { id: r.id, group: r.group_id, version: r.version, status: r.status, phase: r.phase_index, phases: r.phases, fleetSize: r.fleet_size, updated, failed, results: updated + failed, maxFailureRate: r.max_rate };
    }),
    approvalsPending: Number(approvals?.n ?? 0),
    webhookDeliveries: deliveries.map((d) => ({ webhook: d.name, status: d.status, count: Number(d.n) })),
  };
}
