-- A channel whose stored settings cannot be scheduled or composed (a time zone or time that is not valid, a topic
-- that cannot be read, a stored message that cannot be posted): the reason, shown by /papers status, and when it
-- was first seen. The delivery service skips that channel only; cleared when the channel is healthy again.
ALTER TABLE "channels" ADD COLUMN "digest_problem" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "digest_problem_at" timestamp with time zone;
