-- Written by hand (drizzle-kit has no column STORAGE option). Keep the search tsvector in the row, compressed,
-- and move the raw JSON, abstract and summary out of line first: a search that checks candidates against their
-- tsvector (phrases, exclusions, filters over a band of rank_prior) then reads one heap page per row instead of
-- several TOAST pages (README, Performance). Applies to rows written from now on; ingest rewrites changed ones.
ALTER TABLE "papers" ALTER COLUMN "search" SET STORAGE MAIN;
--> statement-breakpoint
-- lz4 compresses the large text columns at several times pglz's speed (ingest at 100k papers: +7%). A server built
-- without lz4 (PGlite is one) keeps pglz.
DO $$
BEGIN
  ALTER TABLE "papers"
    ALTER COLUMN "raw" SET COMPRESSION lz4,
    ALTER COLUMN "abstract" SET COMPRESSION lz4,
    ALTER COLUMN "ai_summary" SET COMPRESSION lz4,
    ALTER COLUMN "search" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'lz4 is not available on this server: papers keeps pglz compression';
END
$$;
