DROP INDEX "title_words_trgm";--> statement-breakpoint
CREATE INDEX "papers_upvotes" ON "papers" USING btree ("upvotes");--> statement-breakpoint
CREATE INDEX "title_words_trgm" ON "title_words" USING gist ("word" gist_trgm_ops);