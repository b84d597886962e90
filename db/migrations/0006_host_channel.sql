ALTER TABLE "hosts" ADD COLUMN "channel_id" text;--> statement-breakpoint
CREATE INDEX "hosts_channel_idx" ON "hosts" USING btree ("channel_id","last_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST);