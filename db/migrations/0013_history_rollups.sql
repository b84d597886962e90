CREATE TABLE "fleet_state_counts" (
	"group_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"os_family" text NOT NULL,
	"os_version" text NOT NULL,
	"update_state" text NOT NULL,
	"health_ok" boolean NOT NULL,
	"hosts" bigint NOT NULL,
	CONSTRAINT "fleet_state_counts_group_id_channel_id_os_family_os_version_update_state_health_ok_pk" PRIMARY KEY("group_id","channel_id","os_family","os_version","update_state","health_ok")
);
--> statement-breakpoint
CREATE TABLE "history_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"group_id" text NOT NULL,
	"os_version" text NOT NULL,
	"change" text NOT NULL,
	"events" integer NOT NULL,
	CONSTRAINT "history_hourly_hour_group_id_os_version_change_pk" PRIMARY KEY("hour","group_id","os_version","change")
);
--> statement-breakpoint
CREATE TABLE "retention_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "retention_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"retention_days" integer NOT NULL,
	"cutoff" timestamp with time zone NOT NULL,
	"dropped_partitions" jsonb NOT NULL,
	"dropped_rows" bigint NOT NULL,
	"created_partitions" jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "version_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"group_id" text NOT NULL,
	"os_version" text NOT NULL,
	"delta" integer NOT NULL,
	CONSTRAINT "version_hourly_hour_group_id_os_version_pk" PRIMARY KEY("hour","group_id","os_version")
);
