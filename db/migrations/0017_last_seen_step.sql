-- The host list indexes move from last_seen_at to last_seen_step (db/schema/fleet.ts), a copy
-- that moves in steps, so most check-ins become heap-only updates. Free space on each page
-- (fillfactor) is what lets the new row version stay on its page.
DROP INDEX "hosts_last_seen_idx";--> statement-breakpoint
DROP INDEX "hosts_group_idx";--> statement-breakpoint
DROP INDEX "hosts_version_idx";--> statement-breakpoint
DROP INDEX "hosts_state_idx";--> statement-breakpoint
DROP INDEX "hosts_channel_idx";--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "last_seen_step" timestamp with time zone;--> statement-breakpoint
UPDATE "hosts" SET "last_seen_step" = "last_seen_at";--> statement-breakpoint
ALTER TABLE "hosts" ALTER COLUMN "last_seen_step" SET DEFAULT now();--> statement-breakpoint
ALTER TABLE "hosts" ALTER COLUMN "last_seen_step" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" SET (fillfactor = 80);--> statement-breakpoint
CREATE INDEX "hosts_last_seen_idx" ON "hosts" USING btree ("last_seen_step" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hosts_group_idx" ON "hosts" USING btree ("group_id","last_seen_step" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hosts_version_idx" ON "hosts" USING btree ("os_version","last_seen_step" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hosts_state_idx" ON "hosts" USING btree ("update_state","last_seen_step" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "hosts_channel_idx" ON "hosts" USING btree ("channel_id","last_seen_step" DESC NULLS LAST,"id" DESC NULLS LAST);
