ALTER TABLE "ignition_assignments" ADD COLUMN "variables" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "ignition_assignments" ADD COLUMN "token" text DEFAULT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '') NOT NULL;--> statement-breakpoint
ALTER TABLE "ignition_assignments" ADD CONSTRAINT "ignition_assignments_token_unique" UNIQUE("token");