-- Striped rollup counters (db/schema/history.ts): the shard joins each key, so concurrent
-- ingest statements add to different rows instead of queueing on one row lock.
ALTER TABLE "fleet_state_counts" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "history_hourly" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "version_hourly" ADD COLUMN "shard" smallint DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "fleet_state_counts" DROP CONSTRAINT "fleet_state_counts_group_id_channel_id_os_family_os_version_update_state_health_ok_pk";
--> statement-breakpoint
ALTER TABLE "history_hourly" DROP CONSTRAINT "history_hourly_hour_group_id_os_version_change_pk";
--> statement-breakpoint
ALTER TABLE "version_hourly" DROP CONSTRAINT "version_hourly_hour_group_id_os_version_pk";
--> statement-breakpoint
ALTER TABLE "fleet_state_counts" ADD CONSTRAINT "fleet_state_counts_group_id_channel_id_os_family_os_version_update_state_health_ok_shard_pk" PRIMARY KEY("group_id","channel_id","os_family","os_version","update_state","health_ok","shard");
--> statement-breakpoint
ALTER TABLE "history_hourly" ADD CONSTRAINT "history_hourly_hour_group_id_os_version_change_shard_pk" PRIMARY KEY("hour","group_id","os_version","change","shard");
--> statement-breakpoint
ALTER TABLE "version_hourly" ADD CONSTRAINT "version_hourly_hour_group_id_os_version_shard_pk" PRIMARY KEY("hour","group_id","os_version","shard");
