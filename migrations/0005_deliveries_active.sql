DROP INDEX "deliveries_status";--> statement-breakpoint
CREATE INDEX "deliveries_active" ON "deliveries" USING btree ("id") WHERE status in ('claimed', 'posting', 'retry');