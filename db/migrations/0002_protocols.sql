CREATE TABLE "fleet_lock_groups" (
	"id" text PRIMARY KEY NOT NULL,
	"total_slots" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fleet_lock_holders" (
	"group_id" text NOT NULL,
	"holder_id" text NOT NULL,
	"acquired_at" timestamp with time zone DEFAULT now() NOT NULL,
	"client_addr" text,
	CONSTRAINT "fleet_lock_holders_group_id_holder_id_pk" PRIMARY KEY("group_id","holder_id")
);
--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "rollout_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "rollout_duration_minutes" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "rollout_start_value" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "boot_id" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "platform" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "first_version" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "wariness" real;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "offered_version" text;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "hold_reason" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "channel_id" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "barrier" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "barrier_reason" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "deadend" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "deadend_reason" text;--> statement-breakpoint
ALTER TABLE "fleet_lock_holders" ADD CONSTRAINT "fleet_lock_holders_group_id_fleet_lock_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."fleet_lock_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "releases" ADD CONSTRAINT "releases_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "releases_channel_arch_idx" ON "releases" USING btree ("channel_id","arch");