CREATE TABLE "daily_entries" (
	"list_date" date NOT NULL,
	"paper_id" text NOT NULL,
	"rank" integer NOT NULL,
	"submitted_at" timestamp with time zone,
	"submitter" text,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "daily_entries_list_date_paper_id_pk" PRIMARY KEY("list_date","paper_id")
);
--> statement-breakpoint
CREATE TABLE "ingest_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"list_date" date,
	"source" text,
	"status" text DEFAULT 'running' NOT NULL,
	"list_closed" boolean DEFAULT false NOT NULL,
	"fetched" integer DEFAULT 0 NOT NULL,
	"inserted" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "paper_metrics" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"paper_id" text NOT NULL,
	"captured_at" timestamp with time zone DEFAULT now() NOT NULL,
	"upvotes" integer NOT NULL,
	"num_comments" integer NOT NULL,
	"github_stars" integer
);
--> statement-breakpoint
CREATE TABLE "papers" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"abstract" text DEFAULT '' NOT NULL,
	"authors" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"published_at" timestamp with time zone,
	"ai_summary" text,
	"ai_keywords" text[],
	"github_repo" text,
	"github_stars" integer,
	"project_page" text,
	"organization" text,
	"thumbnail" text,
	"num_comments" integer DEFAULT 0 NOT NULL,
	"upvotes" integer DEFAULT 0 NOT NULL,
	"raw" jsonb NOT NULL,
	"rank_prior" double precision DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, pp_unaccent(coalesce(title, ''))), 'A') || setweight(to_tsvector('english'::regconfig, 'the ' || pp_unaccent(pp_join_words(ai_keywords))), 'B') || setweight(to_tsvector('english'::regconfig, 'the ' || pp_unaccent(coalesce(ai_summary, ''))), 'C') || setweight(to_tsvector('english'::regconfig, 'the ' || pp_unaccent(coalesce(abstract, ''))), 'D')) STORED NOT NULL
);
--> statement-breakpoint
ALTER TABLE "daily_entries" ADD CONSTRAINT "daily_entries_paper_id_papers_id_fk" FOREIGN KEY ("paper_id") REFERENCES "public"."papers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "paper_metrics" ADD CONSTRAINT "paper_metrics_paper_id_papers_id_fk" FOREIGN KEY ("paper_id") REFERENCES "public"."papers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "daily_entries_paper" ON "daily_entries" USING btree ("paper_id");--> statement-breakpoint
CREATE INDEX "ingest_runs_date" ON "ingest_runs" USING btree ("list_date","status");--> statement-breakpoint
CREATE INDEX "paper_metrics_paper_time" ON "paper_metrics" USING btree ("paper_id","captured_at");--> statement-breakpoint
CREATE INDEX "papers_search_gin" ON "papers" USING gin ("search") WITH (fastupdate=false);--> statement-breakpoint
CREATE INDEX "papers_title_trgm" ON "papers" USING gin (pp_unaccent("title") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "papers_rank_prior" ON "papers" USING btree ("rank_prior" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "papers_published_at" ON "papers" USING btree ("published_at" DESC NULLS LAST);