CREATE TABLE "platform_state" (
	"platform" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_state_platform_key_pk" PRIMARY KEY("platform","key")
);
--> statement-breakpoint
-- Slack's OAuth installations move into the platform's own state: `team:T…` for a workspace install, `org:E…` for
-- an org-wide one (the keys adapters/slack/installation-store.ts reads).
INSERT INTO "platform_state" ("platform", "key", "value", "updated_at")
SELECT 'slack', CASE WHEN "is_enterprise_install" THEN 'org:' ELSE 'team:' END || "install_key",
	jsonb_build_object('teamId', "team_id", 'enterpriseId', "enterprise_id", 'isEnterpriseInstall', "is_enterprise_install", 'installation', "installation"),
	"updated_at"
FROM "slack_installations";--> statement-breakpoint
DROP TABLE "slack_installations" CASCADE;--> statement-breakpoint
DROP INDEX "channels_platform_channel";--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "address" text;--> statement-breakpoint
-- A channel's address is its adapter's encoding: `workspace/channel` for Slack and Discord (the workspace is part
-- of the key, so a Slack Connect channel seen from two workspaces is two channels), the bare id for the console.
UPDATE "channels" SET "address" = CASE WHEN coalesce("workspace_id", '') = '' THEN "channel_id" ELSE "workspace_id" || '/' || "channel_id" END;--> statement-breakpoint
ALTER TABLE "channels" ALTER COLUMN "address" SET NOT NULL;--> statement-breakpoint
-- Buttons live minutes: those shown before this upgrade simply stop working.
DELETE FROM "continuations";--> statement-breakpoint
ALTER TABLE "continuations" ADD COLUMN "channel_key" text NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "channels_platform_address" ON "channels" USING btree ("platform","address");--> statement-breakpoint
ALTER TABLE "channels" DROP COLUMN "workspace_id";--> statement-breakpoint
ALTER TABLE "channels" DROP COLUMN "channel_id";--> statement-breakpoint
ALTER TABLE "continuations" DROP COLUMN "platform";--> statement-breakpoint
ALTER TABLE "continuations" DROP COLUMN "channel_id";
