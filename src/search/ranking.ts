/**
 * How search ranks. A query is answered in two steps so that a very common term stays fast on a large archive:
 *
 * 1. candidates: the matching papers with the highest `rank_prior`, at most CANDIDATES of them, taken from the
 *    GIN index (rare terms) or by walking the rank_prior index and filtering (common terms), whichever the
 *    planner finds cheaper;
 * 2. ranking: text relevance (ts_rank_cd over the weighted document) blended with upvotes and recency, computed
 *    on the candidates only.
 *
 * For a query matching fewer than CANDIDATES papers this is exact; for a common one it ranks the most popular and
 * recent matches, which is what a chat user asking for "transformer" wants.
 */

/** The most candidates ranked per query. */
export const CANDIDATES = 500;

/** Days of publication time worth a factor e in upvotes in `rank_prior`. */
export const RECENCY_DAYS = 365;

/** Blend weights: relevance dominates; upvotes and recency break near-ties. */
export const WEIGHTS = { relevance: 0.7, upvotes: 0.2, recency: 0.1 } as const;

/** ts_rank_cd weights for D, C, B, A: abstract, AI summary, AI keywords, title. */
export const LABEL_WEIGHTS = '{0.1, 0.3, 0.5, 1.0}';

const DAY_MS = 86_400_000;

/**
 * The static popularity prior stored with each paper: ln(1 + upvotes) + publication day / RECENCY_DAYS.
 * Ordering by it equals ordering by (1 + upvotes) · e^(−age / RECENCY_DAYS), at any "now".
 */
export function rankPrior(upvotes: number, publishedAt: Date | null): number {
  const days = publishedAt ? publishedAt.getTime() / DAY_MS : 0;
  return Math.log1p(Math.max(0, upvotes)) + days / RECENCY_DAYS;
}
