/**
 * The fixed search query mix of the benchmark: selective terms, very common terms, phrases, typos, filters, and
 * id lookups, as chat users type them. `ilike` is the naive baseline's pattern for the same intent.
 */
import { methodName } from './corpus.js';

export interface BenchQuery {
  readonly kind: 'selective' | 'common' | 'phrase' | 'typo' | 'filter' | 'boolean';
  readonly text: string;
  /** One word or phrase the naive baseline looks for with ILIKE. */
  readonly ilike: string;
}

export const QUERY_MIX: readonly BenchQuery[] = [
  // Selective: generated method names (rare by construction) and rare sample words.
  { kind: 'selective', text: methodName(1234), ilike: methodName(1234) },
  { kind: 'selective', text: methodName(40_000), ilike: methodName(40_000) },
  { kind: 'selective', text: 'sinkhorn', ilike: 'sinkhorn' },
  { kind: 'selective', text: 'schrodinger bridge', ilike: 'bridge' },
  { kind: 'selective', text: 'hyperspectral restoration', ilike: 'hyperspectral' },
  // Very common terms: match a large share of the archive.
  { kind: 'common', text: 'model', ilike: 'model' },
  { kind: 'common', text: 'learning', ilike: 'learning' },
  { kind: 'common', text: 'language models', ilike: 'language' },
  { kind: 'common', text: 'deep neural network training', ilike: 'network' },
  { kind: 'common', text: 'data', ilike: 'data' },
  // Phrases.
  { kind: 'phrase', text: '"diffusion models"', ilike: 'diffusion models' },
  { kind: 'phrase', text: '"large language models"', ilike: 'large language models' },
  { kind: 'phrase', text: '"optimal transport"', ilike: 'optimal transport' },
  // Typos: nothing by full text, so the trigram fallback on titles answers.
  { kind: 'typo', text: 'wasserstien gan', ilike: 'wasserstien' },
  { kind: 'typo', text: 'reinforcment lerning', ilike: 'reinforcment' },
  { kind: 'typo', text: 'trasnformer atention', ilike: 'trasnformer' },
  // Filters.
  { kind: 'filter', text: 'diffusion since:2026-01-01', ilike: 'diffusion' },
  { kind: 'filter', text: 'reinforcement learning has:code min-upvotes:50', ilike: 'reinforcement' },
  { kind: 'filter', text: 'regularization min-upvotes:100', ilike: 'regularization' },
  // Boolean syntax.
  { kind: 'boolean', text: 'transformer -vision', ilike: 'transformer' },
  { kind: 'boolean', text: 'sinkhorn OR wasserstein', ilike: 'wasserstein' },
];
