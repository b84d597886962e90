CREATE TABLE "rollout_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"rollout_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rollout_hosts" (
	"rollout_id" uuid NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"phase_index" integer NOT NULL,
	"state" text DEFAULT 'offered' NOT NULL,
	"error_code" text,
	"error_message" text,
	"offered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"progress_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "rollout_hosts_rollout_id_host_id_pk" PRIMARY KEY("rollout_id","host_id")
);
--> statement-breakpoint
CREATE TABLE "rollouts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"group_id" text NOT NULL,
	"channel_id" text,
	"release_id" uuid,
	"version" text NOT NULL,
	"from_version" text,
	"status" text NOT NULL,
	"plan" jsonb NOT NULL,
	"phase_index" integer DEFAULT 0 NOT NULL,
	"phase_started_at" timestamp with time zone,
	"cutoffs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"fleet_size" integer DEFAULT 0 NOT NULL,
	"stopped_by" jsonb,
	"evaluation" jsonb,
	"approval_request_id" uuid,
	"approved_by" jsonb,
	"created_by" text NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "rollout_events" ADD CONSTRAINT "rollout_events_rollout_id_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."rollouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rollout_hosts" ADD CONSTRAINT "rollout_hosts_rollout_id_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."rollouts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rollout_events_rollout_idx" ON "rollout_events" USING btree ("rollout_id","at");--> statement-breakpoint
CREATE INDEX "rollout_hosts_open_idx" ON "rollout_hosts" USING btree ("host_id") WHERE finished_at IS NULL;--> statement-breakpoint
CREATE INDEX "rollout_hosts_state_idx" ON "rollout_hosts" USING btree ("rollout_id","state");--> statement-breakpoint
CREATE UNIQUE INDEX "rollouts_group_live_uq" ON "rollouts" USING btree ("group_id") WHERE status IN ('awaiting_approval', 'running', 'paused');--> statement-breakpoint
CREATE INDEX "rollouts_created_idx" ON "rollouts" USING btree ("created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "rollouts_group_idx" ON "rollouts" USING btree ("group_id","created_at" DESC NULLS LAST);