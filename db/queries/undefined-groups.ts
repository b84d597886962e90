import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../client";
import { groups } from "../schema/fleet";
import { appendAudit, type Actor } from "./audit";

/**
 * Groups whose hosts follow a channel, read from the live fleet counts (a few hundred rows,
 * not the hosts): groups that name the channel, plus groups without a channel whose hosts
 * follow it by their track or stream — including groups hosts asked for that nobody created.
 *
 * The choice for those: the channel's new rollout creates the group row (no channel, no policy
 * of its own, no approval rule), so the rollout engine, the policy snapshot, update slots and
 * the console treat it like any group, and it follows the fleet-wide default policy. Leaving
 * the channel unset keeps each host following its own track/stream, as before.
 */
export async function groupsFollowingChannel(tx: Db, actor: Actor, channelId: string, version: string | null): Promise<Array<{ id: string }>> {
  const rows = rowsOf<{ id: string; defined: boolean }>(
    await tx.execute(sql`
      SELECT g.id, true AS defined FROM groups g WHERE g.channel_id = ${channelId}
      UNION
      SELECT c.group_id AS id, g.id IS NOT NULL AS defined
      FROM fleet_state_counts c LEFT JOIN groups g ON g.id = c.group_id
      WHERE c.channel_id = ${channelId} AND (g.id IS NULL OR g.channel_id IS NULL)
      GROUP BY c.group_id, g.id HAVING sum(c.hosts) > 0
      ORDER BY 1`),
  );
  for (const r of rows) {
    if (r.defined || !version) continue;
    const created = await tx
      .insert(groups)
      .values({ id: r.id, description: `created for the rollout of ${version}: hosts asked for this group`, channelId: null })
      .onConflictDoNothing()
      .returning({ id: groups.id });
    if (created.length) await appendAudit(tx, actor, { action: "group.create", targetType: "group", targetId: r.id, after: { id: r.id, channelId: null, implicit: true }, reason: `hosts on channel ${channelId} asked for group ${r.id}; its rollout of ${version} needs the row` });
  }
  // A cleared target has nothing to roll out: undefined groups have no live rollout to stop.
  return rows.filter((r) => r.defined || version).map((r) => ({ id: r.id }));
}
