-- Reading lists: each chat user's saved papers (the user is `platform:user id`, the channel where it was saved is
-- kept so the channel's taste model can learn from saves made there).
CREATE TABLE "saved_papers" (
	"user_key" text NOT NULL,
	"paper_id" text NOT NULL,
	"channel_key" text,
	"saved_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "saved_papers_user_key_paper_id_pk" PRIMARY KEY("user_key","paper_id")
);
--> statement-breakpoint
ALTER TABLE "saved_papers" ADD CONSTRAINT "saved_papers_paper_id_papers_id_fk" FOREIGN KEY ("paper_id") REFERENCES "public"."papers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "saved_papers_user_saved_at" ON "saved_papers" USING btree ("user_key","saved_at" DESC);--> statement-breakpoint
CREATE INDEX "saved_papers_channel" ON "saved_papers" USING btree ("channel_key");--> statement-breakpoint
-- Votes: one per user per paper per channel (1 up, -1 down), changeable.
CREATE TABLE "paper_votes" (
	"channel_pk" integer NOT NULL,
	"paper_id" text NOT NULL,
	"user_id" text NOT NULL,
	"vote" smallint NOT NULL,
	"voted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paper_votes_channel_pk_paper_id_user_id_pk" PRIMARY KEY("channel_pk","paper_id","user_id"),
	CONSTRAINT "paper_votes_vote_check" CHECK ("vote" in (-1, 1))
);
--> statement-breakpoint
ALTER TABLE "paper_votes" ADD CONSTRAINT "paper_votes_channel_pk_channels_id_fk" FOREIGN KEY ("channel_pk") REFERENCES "public"."channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_votes" ADD CONSTRAINT "paper_votes_paper_id_papers_id_fk" FOREIGN KEY ("paper_id") REFERENCES "public"."papers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The channel's digest ranking: 'hf' (Hugging Face upvotes) or 'learned' (blended with the channel's taste model).
ALTER TABLE "channels" ADD COLUMN "ranking" text DEFAULT 'hf' NOT NULL;
