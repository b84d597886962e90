-- host_reports becomes range-partitioned by day on received_at, so retention drops whole days
-- (lib/history/partitions.ts). Postgres cannot partition a table in place: the rows move to a
-- new partitioned table with the same columns, sequence and indexes, plus what the history
-- needs (channel_id, change, from_version). Hand-edited from drizzle-kit's output, which can
-- only express the column and index changes; the snapshot matches db/schema/fleet.ts.
ALTER TABLE "host_reports" RENAME TO "host_reports_unpartitioned";--> statement-breakpoint
ALTER TABLE "host_reports_unpartitioned" RENAME CONSTRAINT "host_reports_pkey" TO "host_reports_unpartitioned_pkey";--> statement-breakpoint
ALTER INDEX "host_reports_host_time_idx" RENAME TO "host_reports_unpartitioned_host_time_idx";--> statement-breakpoint
ALTER INDEX "host_reports_time_idx" RENAME TO "host_reports_unpartitioned_time_idx";--> statement-breakpoint
ALTER SEQUENCE "host_reports_id_seq" OWNED BY NONE;--> statement-breakpoint
CREATE TABLE "host_reports" (
	"id" bigint DEFAULT nextval('host_reports_id_seq') NOT NULL,
	"host_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"protocol" text NOT NULL,
	"kind" text NOT NULL,
	"os_version" text NOT NULL,
	"previous_version" text,
	"update_state" text NOT NULL,
	"error_code" text,
	"error_message" text,
	"group_id" text NOT NULL,
	"client_addr" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"channel_id" text,
	"change" text,
	"from_version" text,
	CONSTRAINT "host_reports_id_received_at_pk" PRIMARY KEY("id","received_at")
) PARTITION BY RANGE ("received_at");--> statement-breakpoint
ALTER SEQUENCE "host_reports_id_seq" OWNED BY "host_reports"."id";--> statement-breakpoint
-- Catches a report outside every daily partition (the retention job fell behind, a clock
-- jumped) so ingest never fails on a missing partition; normally empty.
CREATE TABLE "host_reports_default" PARTITION OF "host_reports" DEFAULT;--> statement-breakpoint
-- One partition per day from the oldest stored report to a week ahead; the job keeps it so.
DO $$
DECLARE d date;
BEGIN
  FOR d IN SELECT generate_series((COALESCE((SELECT min(received_at) FROM host_reports_unpartitioned), now()) AT TIME ZONE 'UTC')::date, ((now() + interval '7 days') AT TIME ZONE 'UTC')::date, interval '1 day')::date LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF host_reports FOR VALUES FROM (%L) TO (%L)', 'host_reports_p' || to_char(d, 'YYYYMMDD'), d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
  END LOOP;
END $$;--> statement-breakpoint
-- Existing reports are classified the way the ingest statement classifies new ones
-- (lib/history/events.ts classifyChange), against the host's previous report.
INSERT INTO "host_reports" (id, host_id, received_at, protocol, kind, os_version, previous_version, update_state, error_code, error_message, group_id, client_addr, detail, change, from_version)
SELECT id, host_id, received_at, protocol, kind, os_version, previous_version, update_state, error_code, error_message, group_id, client_addr, detail,
  CASE WHEN b_version IS NULL THEN 'enrolled'
    WHEN update_state = 'rolled_back' AND (b_state <> 'rolled_back' OR b_version <> os_version) THEN 'rollback'
    WHEN update_state = 'error' AND (b_state <> 'error' OR b_error IS DISTINCT FROM error_code) THEN 'failure'
    WHEN os_version <> b_version THEN 'update'
    WHEN replace(update_state, 'checking', 'idle') <> replace(b_state, 'checking', 'idle') THEN 'state'
    WHEN group_id <> b_group THEN 'group' END,
  b_version
FROM (SELECT r.*, lag(os_version) OVER w AS b_version, lag(update_state) OVER w AS b_state, lag(error_code) OVER w AS b_error, lag(group_id) OVER w AS b_group
  FROM host_reports_unpartitioned r WINDOW w AS (PARTITION BY host_id ORDER BY received_at, id)) c;--> statement-breakpoint
DROP TABLE "host_reports_unpartitioned";--> statement-breakpoint
CREATE INDEX "host_reports_host_time_idx" ON "host_reports" USING btree ("host_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "host_reports_time_idx" ON "host_reports" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "host_events_time_idx" ON "host_reports" USING btree ("received_at","id") WHERE change IS NOT NULL;--> statement-breakpoint
CREATE INDEX "host_events_host_idx" ON "host_reports" USING btree ("host_id","received_at","id") WHERE change IS NOT NULL;--> statement-breakpoint
CREATE INDEX "host_events_group_idx" ON "host_reports" USING btree ("group_id","received_at","id") WHERE change IS NOT NULL;--> statement-breakpoint
CREATE INDEX "host_events_version_idx" ON "host_reports" USING btree ("os_version","received_at","id") WHERE change IS NOT NULL;--> statement-breakpoint
CREATE INDEX "host_events_from_version_idx" ON "host_reports" USING btree ("from_version","received_at") WHERE change IS NOT NULL;--> statement-breakpoint
-- Rollups from what is already stored: events per hour, version arrivals/departures, and
-- today's hosts per overview combination.
INSERT INTO "history_hourly" (hour, group_id, os_version, change, events)
SELECT date_trunc('hour', received_at, 'UTC'), group_id, os_version, change, count(*) FROM host_reports WHERE change IS NOT NULL GROUP BY 1, 2, 3, 4;--> statement-breakpoint
INSERT INTO "version_hourly" (hour, group_id, os_version, delta)
SELECT date_trunc('hour', x.received_at, 'UTC'), m.g, m.v, sum(m.d) FROM (
  SELECT received_at, change, os_version, from_version, group_id, lag(group_id) OVER (PARTITION BY host_id ORDER BY received_at, id) AS b_group FROM host_reports) x
CROSS JOIN LATERAL (VALUES (x.group_id, x.os_version, 1), (x.b_group, x.from_version, -1)) AS m(g, v, d)
WHERE x.change IS NOT NULL AND m.v IS NOT NULL AND (x.from_version IS NULL OR x.from_version <> x.os_version OR x.b_group <> x.group_id)
GROUP BY 1, 2, 3 HAVING sum(m.d) <> 0;--> statement-breakpoint
INSERT INTO "fleet_state_counts" (group_id, channel_id, os_family, os_version, update_state, health_ok, hosts)
SELECT group_id, COALESCE(channel_id, ''), os_family, os_version, update_state, health_ok, count(*) FROM hosts GROUP BY 1, 2, 3, 4, 5, 6;
