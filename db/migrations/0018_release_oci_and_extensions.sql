ALTER TABLE "releases" ADD COLUMN "oci_pullspec" text;--> statement-breakpoint
ALTER TABLE "releases" ADD COLUMN "extension_payloads" jsonb DEFAULT '[]'::jsonb NOT NULL;