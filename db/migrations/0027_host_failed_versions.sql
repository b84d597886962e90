CREATE TABLE "host_failed_versions" (
	"host_id" text NOT NULL,
	"version" text NOT NULL,
	"source" text NOT NULL,
	"error_code" text,
	"error_message" text,
	"first_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_failed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	"retried_at" timestamp with time zone,
	"retried_by" text,
	CONSTRAINT "host_failed_versions_host_id_version_pk" PRIMARY KEY("host_id","version")
);
--> statement-breakpoint
CREATE INDEX "host_failed_versions_active_idx" ON "host_failed_versions" USING btree ("host_id") WHERE retried_at IS NULL;