-- Discovery (issue 13): author and organization facets in the search index, document frequencies for "similar
-- papers", and the channel settings of rising and alerts. Written by hand (functions, triggers, the rebuilt
-- generated column).
ALTER TABLE "papers" ADD COLUMN "org_handle" text;--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "submitter" text;--> statement-breakpoint
-- What the cards show and `org:` matches, from what earlier imports kept.
UPDATE "papers" SET "org_handle" = nullif(trim(coalesce("raw"->'organization'->>'name', "raw"->'paper'->'organization'->>'name')), '');--> statement-breakpoint
UPDATE "papers" p SET "submitter" = (SELECT d."submitter" FROM "daily_entries" d WHERE d."paper_id" = p."id" AND d."submitter" IS NOT NULL ORDER BY d."list_date" DESC LIMIT 1);--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "digest_rising" boolean DEFAULT false NOT NULL;--> statement-breakpoint
-- A name as a facet key: accents, case, spaces and punctuation removed ("Yann Le-Cun" → "yannlecun").
CREATE OR REPLACE FUNCTION public.pp_name_key(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT regexp_replace(lower(public.pp_unaccent($1)), '[[:space:][:punct:]]+', '', 'g') $$;
--> statement-breakpoint
-- The facet lexemes of a paper: `au:<full name>` and `al:<last name>` per author, `og:<name>` for the organization's
-- display name and its Hugging Face handle. They contain a colon, which the text parser never leaves in a lexeme, so
-- no text query can match them and `author:` / `org:` queries match nothing else.
CREATE OR REPLACE FUNCTION public.pp_facet_lexemes(jsonb, text, text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
  SELECT coalesce(array_agg(DISTINCT l) FILTER (WHERE l IS NOT NULL AND l !~ ':$'), '{}'::text[]) FROM (
    SELECT 'au:' || public.pp_name_key(a) AS l FROM jsonb_array_elements_text(coalesce($1, '[]'::jsonb)) a
    UNION ALL
    SELECT 'al:' || public.pp_name_key(substring(trim(a) from '([^[:space:]]+)$')) FROM jsonb_array_elements_text(coalesce($1, '[]'::jsonb)) a
    UNION ALL SELECT 'og:' || public.pp_name_key($2)
    UNION ALL SELECT 'og:' || public.pp_name_key($3)
  ) x $$;
--> statement-breakpoint
-- `author:` / `org:` filters as a tsquery (all required): a one-word author matches a full name or a last name.
CREATE OR REPLACE FUNCTION public.pp_facet_tsquery(text[], text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
  SELECT coalesce(string_agg(q, ' & '), '')::tsquery FROM (
    SELECT CASE WHEN trim(a) ~ '[[:space:]]' THEN quote_literal('au:' || public.pp_name_key(a))
      ELSE '(' || quote_literal('au:' || public.pp_name_key(a)) || ' | ' || quote_literal('al:' || public.pp_name_key(a)) || ')'
      END AS q
    FROM unnest(coalesce($1, '{}'::text[])) a
    UNION ALL
    SELECT quote_literal('og:' || public.pp_name_key(o)) FROM unnest(coalesce($2, '{}'::text[])) o
  ) x $$;
--> statement-breakpoint
-- The generated column cannot be altered on PostgreSQL 15: drop it (and its index) and add it again with the facets.
ALTER TABLE "papers" DROP COLUMN "search";--> statement-breakpoint
ALTER TABLE "papers" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english'::regconfig, pp_unaccent(coalesce(title, ''))), 'A') || setweight(to_tsvector('english'::regconfig, 'the ' || pp_unaccent(pp_join_words(ai_keywords))), 'B') || setweight(to_tsvector('english'::regconfig, 'the ' || pp_unaccent(coalesce(ai_summary, ''))), 'C') || setweight(to_tsvector('english'::regconfig, 'the ' || pp_unaccent(coalesce(abstract, ''))), 'D') || array_to_tsvector(pp_facet_lexemes(authors, organization, org_handle))) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "papers" ALTER COLUMN "search" SET STORAGE MAIN;--> statement-breakpoint
DO $$
BEGIN
  ALTER TABLE "papers" ALTER COLUMN "search" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available on this server: papers.search keeps pglz compression';
END
$$;--> statement-breakpoint
CREATE INDEX "papers_search_gin" ON "papers" USING gin ("search") WITH (fastupdate=true);--> statement-breakpoint
-- Document frequency of each text lexeme (facet lexemes left out), kept by statement triggers on papers so a
-- "similar papers" query reads the idf of its terms instead of counting them. The row with term '' holds the number
-- of papers.
CREATE TABLE "term_df" (
	"term" text PRIMARY KEY NOT NULL,
	"df" integer NOT NULL
);--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.pp_term_df_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A bulk import (paperpulse import) recomputes term_df once at its end instead (pp_term_df_rebuild).
  IF current_setting('paperpulse.bulk_import', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO term_df AS t (term, df)
  SELECT term, count(*)::int FROM (
    SELECT unnest(tsvector_to_array(search)) AS term FROM pp_new_rows
    UNION ALL SELECT '' FROM pp_new_rows
  ) x WHERE term !~ '^(au|al|og):' GROUP BY term ORDER BY term
  ON CONFLICT (term) DO UPDATE SET df = t.df + excluded.df;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.pp_term_df_on_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A bulk import (paperpulse import) recomputes term_df once at its end instead (pp_term_df_rebuild).
  IF current_setting('paperpulse.bulk_import', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO term_df AS t (term, df)
  SELECT term, sum(d)::int FROM (
    SELECT unnest(tsvector_to_array(n.search)) AS term, 1 AS d
      FROM pp_old_rows o JOIN pp_new_rows n ON n.id = o.id WHERE o.search IS DISTINCT FROM n.search
    UNION ALL
    SELECT unnest(tsvector_to_array(o.search)), -1
      FROM pp_old_rows o JOIN pp_new_rows n ON n.id = o.id WHERE o.search IS DISTINCT FROM n.search
  ) x WHERE term !~ '^(au|al|og):' GROUP BY term HAVING sum(d) <> 0 ORDER BY term
  ON CONFLICT (term) DO UPDATE SET df = t.df + excluded.df;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE OR REPLACE FUNCTION public.pp_term_df_on_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A bulk import (paperpulse import) recomputes term_df once at its end instead (pp_term_df_rebuild).
  IF current_setting('paperpulse.bulk_import', true) = 'on' THEN RETURN NULL; END IF;
  UPDATE term_df t SET df = t.df - x.n FROM (
    SELECT term, count(*)::int AS n FROM (
      SELECT unnest(tsvector_to_array(search)) AS term FROM pp_old_rows
      UNION ALL SELECT '' FROM pp_old_rows
    ) y WHERE term !~ '^(au|al|og):' GROUP BY term
  ) x WHERE t.term = x.term;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "papers_term_df_insert" AFTER INSERT ON "papers" REFERENCING NEW TABLE AS pp_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.pp_term_df_on_insert();--> statement-breakpoint
CREATE TRIGGER "papers_term_df_update" AFTER UPDATE ON "papers" REFERENCING OLD TABLE AS pp_old_rows NEW TABLE AS pp_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.pp_term_df_on_update();--> statement-breakpoint
CREATE TRIGGER "papers_term_df_delete" AFTER DELETE ON "papers" REFERENCING OLD TABLE AS pp_old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION public.pp_term_df_on_delete();--> statement-breakpoint
INSERT INTO term_df (term, df)
SELECT term, count(*)::int FROM (
  SELECT unnest(tsvector_to_array(search)) AS term FROM papers
  UNION ALL SELECT '' FROM papers
) x WHERE term !~ '^(au|al|og):' GROUP BY term
ON CONFLICT (term) DO NOTHING;--> statement-breakpoint
-- The whole of term_df from the papers: what a bulk import runs once at its end.
CREATE OR REPLACE FUNCTION public.pp_term_df_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE term_df IN EXCLUSIVE MODE;
  DELETE FROM term_df;
  INSERT INTO term_df (term, df)
  SELECT term, count(*)::int FROM (
    SELECT unnest(tsvector_to_array(search)) AS term FROM papers
    UNION ALL SELECT '' FROM papers
  ) x WHERE term !~ '^(au|al|og):' GROUP BY term;
END $$;--> statement-breakpoint
-- Snapshots by time, for the retention job (keep all for 14 days, then one a day per paper).
CREATE INDEX "paper_metrics_captured_at" ON "paper_metrics" USING btree ("captured_at");
