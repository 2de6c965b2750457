-- A channel's private feed (/feeds/channel/<token>.atom): a random token, revoked by replacing it (/papers feed reset).
ALTER TABLE "channels" ADD COLUMN "feed_token" text;--> statement-breakpoint
CREATE UNIQUE INDEX "channels_feed_token" ON "channels" USING btree ("feed_token");--> statement-breakpoint
-- A channel's feed lists its sent digests newest first.
CREATE INDEX "deliveries_channel_sent" ON "deliveries" USING btree ("channel_pk","sent_at" DESC NULLS LAST) WHERE "status" = 'sent';
