ALTER TABLE "hosts" ADD COLUMN "token_enrolled" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "rollout_hosts" ADD COLUMN "counted" boolean DEFAULT true NOT NULL;