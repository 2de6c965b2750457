-- Instant topic alerts and code-release follow-ups (issue 13 §4, §5). Channels: `alerts` (default off), when they
-- were turned on (papers first seen before that are never alerted), optional quiet hours ('08-20', local), and
-- `followups` (default on). Papers: when a GitHub repository first appeared and when the stars first passed 1,000,
-- set once by the upsert, so a follow-up is due when that moment is later than the paper's post to a channel.
ALTER TABLE "channels" ADD COLUMN "alerts" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "alerts_enabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "alert_hours" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "followups" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "github_repo_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "stars_1k_at" timestamp with time zone;--> statement-breakpoint
-- Papers stored before this migration: their repository and stars are not news.
UPDATE "papers" SET "github_repo_at" = "first_seen_at" WHERE "github_repo" IS NOT NULL;--> statement-breakpoint
UPDATE "papers" SET "stars_1k_at" = "first_seen_at" WHERE "github_stars" >= 1000;
