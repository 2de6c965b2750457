/** A `Paper` as the domain holds it, with every optional fact empty: tests name only the fields they are about. */
import type { Paper } from '../../src/domain/paper.js';

export function paperOf(over: Partial<Paper> & Pick<Paper, 'id' | 'title'>): Paper {
  return {
    abstract: '',
    authors: [],
    publishedAt: null,
    aiSummary: null,
    aiKeywords: null,
    githubRepo: null,
    githubStars: null,
    projectPage: null,
    organization: null,
    thumbnail: null,
    numComments: 0,
    upvotes: 0,
    ...over,
  };
}
