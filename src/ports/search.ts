/**
 * Full-text search over the archive: the port the commands and the digest use, implemented in src/db/ on Postgres
 * full-text search (see src/search/ranking.ts for how results are ranked).
 */
import type { Paper } from '../domain/paper.js';
import type { SearchQuery } from '../search/query.js';

/** How a result list was found; the reply tells the user when it was a typo-tolerant guess. */
export type SearchMode = 'fulltext' | 'fuzzy' | 'browse' | 'id';

export interface SearchHit {
  readonly paper: Paper;
  /** Higher is better; comparable within one result list only. */
  readonly score: number;
}

export interface SearchResult {
  readonly hits: SearchHit[];
  readonly mode: SearchMode;
  /** True when at least one more hit exists after this page. */
  readonly hasMore: boolean;
  /** Ids the query named that are not in the archive. */
  readonly missingIds: string[];
  /** In `fuzzy` mode: the query as corrected ("wasserstien gan" → "wasserstein gan"). */
  readonly correctedQuery?: string | undefined;
}

export interface SearchPage {
  readonly limit: number;
  readonly offset?: number | undefined;
  /** The moment recency is measured from. */
  readonly now: Date;
}

export interface PaperSearch {
  /** One page of results: papers the query names by id first, then full text, else corrected full text. */
  search(query: SearchQuery, page: SearchPage): Promise<SearchResult>;
  /** True when the text is a query full text can match on: at least one positive, non-stop word. */
  isSearchable(text: string): Promise<boolean>;
  /**
   * Which of the given papers match each query (a channel's topics): paper id → the indexes of the queries it
   * matches, in order. One round trip for all the queries.
   */
  matchingQueries(queries: readonly string[], paperIds: readonly string[]): Promise<Map<string, number[]>>;
}
