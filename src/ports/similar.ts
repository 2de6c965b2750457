/**
 * "More like this": papers similar to a given one. The lexical implementation (src/db/pg-similar-papers.ts) runs the
 * paper's most distinctive terms over the search index; a semantic one (embeddings from a Text Embeddings Inference
 * server or an OpenAI-compatible endpoint) can implement the same port without touching the commands.
 */
import type { Paper } from '../domain/paper.js';

export interface SimilarHit {
  readonly paper: Paper;
  /** 0–1, higher is more similar; comparable within one result list only. */
  readonly score: number;
  /** What made it similar, most distinctive first (words as they appear in the source paper). */
  readonly sharedTerms: readonly string[];
}

export interface SimilarResult {
  /** The paper the results are similar to. */
  readonly source: Paper;
  readonly hits: readonly SimilarHit[];
}

export interface SimilarPapers {
  /**
   * Up to `limit` papers most similar to `paperId`, best first; the paper itself and papers with exactly its title
   * (a re-listing of the same work) are left out. Undefined when the paper is not in the archive.
   */
  similar(paperId: string, limit: number): Promise<SimilarResult | undefined>;
}
