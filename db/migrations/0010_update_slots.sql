CREATE TABLE "update_slots" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"group_id" text NOT NULL,
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "update_slots_group_idx" ON "update_slots" USING btree ("group_id","granted_at");--> statement-breakpoint
CREATE INDEX "update_slots_host_open_idx" ON "update_slots" USING btree ("host_id") WHERE completed_at IS NULL;