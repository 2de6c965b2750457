import { describe, expect, it } from 'vitest';
import { firstSentence, parsePaperRef, shortAuthors } from '../../src/domain/paper.js';
import { UserError } from '../../src/errors.js';
import { hasCriteria, parseSearchQuery } from '../../src/search/query.js';

describe('paper references', () => {
  it.each([
    ['2410.17243', '2410.17243'],
    ['2410.17243v3', '2410.17243'],
    ['arXiv:2410.17243', '2410.17243'],
    ['0704.0001', '0704.0001'],
    ['hep-th/9901001', 'hep-th/9901001'],
    ['https://arxiv.org/abs/2410.17243', '2410.17243'],
    ['http://www.arxiv.org/abs/2410.17243v2', '2410.17243'],
    ['https://arxiv.org/pdf/2410.17243v2.pdf', '2410.17243'],
    ['https://arxiv.org/pdf/2410.17243', '2410.17243'],
    ['arxiv.org/html/2410.17243v1', '2410.17243'],
    ['https://huggingface.co/papers/2509.04664', '2509.04664'],
    ['https://huggingface.co/papers/2509.04664#community', '2509.04664'],
    ['https://huggingface.co/papers/2509.04664?foo=bar', '2509.04664'],
  ])('%s names %s', (text, id) => {
    expect(parsePaperRef(text)).toBe(id);
  });

  it.each([
    '2410.172',
    '24101.7243',
    'https://example.com/abs/2410.17243',
    'https://huggingface.co/models/2410.17243',
    'transformers',
    '',
  ])('%s is not a paper reference', (text) => {
    expect(parsePaperRef(text)).toBeUndefined();
  });
});

describe('search query parsing', () => {
  it('keeps the websearch syntax and pulls out the filters', () => {
    const q = parseSearchQuery('"graph neural" -survey OR transformer since:2024-01-01 min-upvotes:10 has:code');
    expect(q).toEqual({
      text: '"graph neural" -survey OR transformer',
      paperIds: [],
      since: '2024-01-01',
      minUpvotes: 10,
      hasCode: true,
      authors: [],
      orgs: [],
    });
  });

  it('pulls out author: and org: (quoted or one word), once each, outside quotes only', () => {
    const q = parseSearchQuery('attention author:"Tri  Dao" org:nvidia AUTHOR:LeCun author:"tri dao" "org:phrase"');
    expect(q.text).toBe('attention "org:phrase"');
    expect(q.authors).toEqual(['Tri Dao', 'LeCun']);
    expect(q.orgs).toEqual(['nvidia']);
    expect(hasCriteria(parseSearchQuery('org:"Google DeepMind"'))).toBe(true);
    expect(() => parseSearchQuery('author:""')).toThrow('author: needs a name');
    expect(() => parseSearchQuery('a author:a author:b author:c org:d org:e org:f')).toThrow(
      'at most 5 author: and org: filters',
    );
  });

  it('does not read filters inside quotes, and keeps a negated phrase whole', () => {
    expect(parseSearchQuery('"since:2024-01-01 is a phrase" -"graph neural"').text).toBe(
      '"since:2024-01-01 is a phrase" -"graph neural"',
    );
  });

  it('recognises ids and URLs anywhere in the query', () => {
    const q = parseSearchQuery('https://arxiv.org/abs/2410.17243v2 contrastive 2509.04664');
    expect(q.paperIds).toEqual(['2410.17243', '2509.04664']);
    expect(q.text).toBe('contrastive');
  });

  it.each([
    ['since:2024-13-01', 'since: needs a date like'],
    ['since:yesterday', 'since: needs a date like'],
    ['min-upvotes:-3', 'min-upvotes: needs a whole number'],
    ['min-upvotes:many', 'min-upvotes: needs a whole number'],
    ['has:data', 'has: only knows has:code'],
    ['x'.repeat(501), 'the most is 500'],
  ])('%s is refused with a specific message', (text, message) => {
    expect(() => parseSearchQuery(text)).toThrow(UserError);
    expect(() => parseSearchQuery(text)).toThrow(message);
  });

  it('knows when a query asks for nothing', () => {
    expect(hasCriteria(parseSearchQuery('   '))).toBe(false);
    expect(hasCriteria(parseSearchQuery('has:code'))).toBe(true);
  });
});

describe('card text helpers', () => {
  it('shortens author lists', () => {
    expect(shortAuthors(['A', 'B', 'C', 'D'])).toBe('A, B, C et al.');
    expect(shortAuthors(['A', 'B'])).toBe('A, B');
    expect(shortAuthors([])).toBe('');
  });
  it('takes the first sentence of an abstract', () => {
    expect(firstSentence('We study e.g. transformers. Then more.')).toBe('We study e.g. transformers.');
    expect(firstSentence('No full stop here')).toBe('No full stop here');
  });
});

describe('candidate relaxation of phrases', () => {
  it('keeps a query without quotes, unquotes positive phrases and drops negated ones', async () => {
    const { relaxPhrases } = await import('../../src/db/pg-paper-search.js');
    expect(relaxPhrases('graph neural OR transformer -survey')).toBe('graph neural OR transformer -survey');
    expect(relaxPhrases('"diffusion models" -"image editing" text')).toBe('diffusion models text');
    expect(relaxPhrases('"unterminated phrase')).toBe('unterminated phrase');
  });
});
