ALTER TABLE "releases" ADD COLUMN "recalled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "recall_reason" text;