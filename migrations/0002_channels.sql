CREATE TABLE "channels" (
	"id" serial PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"workspace_id" text,
	"channel_id" text NOT NULL,
	"digest_enabled" boolean DEFAULT false NOT NULL,
	"digest_enabled_at" timestamp with time zone,
	"post_time" text DEFAULT '09:00' NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"days" text DEFAULT 'weekdays' NOT NULL,
	"size" integer DEFAULT 5 NOT NULL,
	"min_upvotes" integer DEFAULT 0 NOT NULL,
	"mode" text DEFAULT 'all' NOT NULL,
	"weekly" boolean DEFAULT false NOT NULL,
	"thread" boolean DEFAULT false NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"paused_at" timestamp with time zone,
	"pause_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "continuations" (
	"id" text PRIMARY KEY NOT NULL,
	"platform" text NOT NULL,
	"channel_id" text NOT NULL,
	"payload" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delivered_papers" (
	"channel_pk" integer NOT NULL,
	"paper_id" text NOT NULL,
	"delivery_id" integer NOT NULL,
	CONSTRAINT "delivered_papers_channel_pk_paper_id_pk" PRIMARY KEY("channel_pk","paper_id")
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel_pk" integer NOT NULL,
	"kind" text NOT NULL,
	"period" text NOT NULL,
	"slot_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"claim_token" text,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"message" jsonb,
	"paper_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"message_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"id" serial PRIMARY KEY NOT NULL,
	"channel_pk" integer NOT NULL,
	"query" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "delivered_papers" ADD CONSTRAINT "delivered_papers_channel_pk_channels_id_fk" FOREIGN KEY ("channel_pk") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delivered_papers" ADD CONSTRAINT "delivered_papers_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_channel_pk_channels_id_fk" FOREIGN KEY ("channel_pk") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topics" ADD CONSTRAINT "topics_channel_pk_channels_id_fk" FOREIGN KEY ("channel_pk") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "channels_platform_channel" ON "channels" USING btree ("platform","channel_id");--> statement-breakpoint
CREATE INDEX "channels_digest_enabled" ON "channels" USING btree ("digest_enabled");--> statement-breakpoint
CREATE INDEX "continuations_expires" ON "continuations" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_channel_kind_period" ON "deliveries" USING btree ("channel_pk","kind","period");--> statement-breakpoint
CREATE INDEX "deliveries_status" ON "deliveries" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "topics_channel_query" ON "topics" USING btree ("channel_pk",lower("query"));