-- Extensions and helper functions the schema relies on. Written by hand (drizzle-kit never emits these);
-- it runs first so the generated search column of migration 0001 can call pp_unaccent / pp_join_words.
-- PGlite loads pg_trgm and unaccent at construction (src/db/client.ts); CREATE EXTENSION still has to run.
CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public;
--> statement-breakpoint
-- unaccent() is only STABLE (its dictionary could change); generated columns and expression indexes need
-- IMMUTABLE. Pinning the dictionary by name makes the result depend on its input alone.
CREATE OR REPLACE FUNCTION public.pp_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
--> statement-breakpoint
-- array_to_string() is STABLE in general (it calls type output functions); for text[] it is immutable.
-- Items are joined with a stop word between them: it takes a position but no lexeme, so a phrase query
-- cannot match the end of one keyword followed by the start of the next.
CREATE OR REPLACE FUNCTION public.pp_join_words(text[]) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_to_string($1, ' the '), '') $$;
