DROP INDEX "title_words_trgm";--> statement-breakpoint
CREATE INDEX "title_words_trgm" ON "title_words" USING gist ("word" gist_trgm_ops(siglen=256));