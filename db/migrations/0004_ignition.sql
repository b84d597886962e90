CREATE TABLE "ignition_assignments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"config_id" text NOT NULL,
	"version" integer,
	"selectors" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ignition_assignments_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "ignition_config_versions" (
	"config_id" text NOT NULL,
	"version" integer NOT NULL,
	"format" text NOT NULL,
	"source" text NOT NULL,
	"rendered" text,
	"spec_version" text,
	"sha512" text,
	"draft" boolean DEFAULT false NOT NULL,
	"author_id" uuid,
	"author_email" text NOT NULL,
	"message" text DEFAULT '' NOT NULL,
	"restored_from" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ignition_config_versions_config_id_version_pk" PRIMARY KEY("config_id","version")
);
--> statement-breakpoint
CREATE TABLE "ignition_configs" (
	"id" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"latest_version" integer DEFAULT 0 NOT NULL,
	"published_version" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ignition_fetches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"host_id" text,
	"config_id" text NOT NULL,
	"version" integer NOT NULL,
	"sha512" text NOT NULL,
	"client_addr" text,
	"query" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"url" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ignition_assignments" ADD CONSTRAINT "ignition_assignments_config_id_ignition_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."ignition_configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ignition_config_versions" ADD CONSTRAINT "ignition_config_versions_config_id_ignition_configs_id_fk" FOREIGN KEY ("config_id") REFERENCES "public"."ignition_configs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ignition_fetches_host_idx" ON "ignition_fetches" USING btree ("host_id","at");