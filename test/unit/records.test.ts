import { describe, expect, it } from 'vitest';
import type { ListedPaper } from '../../src/domain/paper.js';
import {
  normalizeAbstract,
  normalizeTitle,
  parseBatch,
  parseRecord,
  type RejectedRecord,
} from '../../src/huggingface/normalize.js';
import { dailyPapers20241025, paper250904664, sample } from '../support/fixtures.js';

const listed = (value: unknown): ListedPaper => {
  const outcome = parseRecord(value, 0);
  if ('reason' in outcome) throw new Error(`rejected: ${outcome.reason}`);
  return outcome;
};
const rejected = (value: unknown): RejectedRecord => {
  const outcome = parseRecord(value, 7);
  if (!('reason' in outcome)) throw new Error('accepted a malformed record');
  return outcome;
};

describe('parsing real Hugging Face records', () => {
  it('reads the 2024 daily_papers response (no ai_* fields): text unwrapped, upvotes on paper, comments outside', () => {
    const [first] = dailyPapers20241025().map(listed);
    expect(first!.paper.id).toBe('2410.17243');
    expect(first!.paper.title).toBe(
      'Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss',
    );
    expect(first!.paper.abstract).not.toContain('\n');
    expect(first!.paper.abstract).toMatch(
      /^Contrastive loss is a powerful approach for representation learning, where larger/,
    );
    expect(first!.paper.authors.slice(0, 3)).toEqual(['Zesen Cheng', 'Hang Zhang', 'Kehan Li']);
    expect(first!.paper.authors).toHaveLength(9);
    expect(first!.paper.aiSummary).toBeNull();
    expect(first!.paper.aiKeywords).toBeNull();
    expect(first!.paper.publishedAt?.toISOString()).toBe('2024-10-22T17:59:30.000Z');
    expect(first!.listDate).toBe('2024-10-25');
    expect(typeof first!.paper.upvotes).toBe('number');
  });

  it('reads every record of the 2024 response and keeps the record verbatim as raw', () => {
    const records = dailyPapers20241025();
    const batch = parseBatch(records);
    expect(batch.rejected).toEqual([]);
    expect(batch.items.map((i) => i.paper.raw)).toEqual(records);
    for (const item of batch.items)
      expect(item.paper.numComments).toBe((records[batch.items.indexOf(item)] as { numComments: number }).numComments);
  });

  it('reads a 2025 bare paper object with ai_summary, ai_keywords and submittedOnDaily*', () => {
    const item = listed(paper250904664());
    expect(item.paper.id).toBe('2509.04664');
    expect(item.paper.title).toBe('Why Language Models Hallucinate');
    expect(item.paper.aiSummary).toMatch(/^Language models produce incorrect statements/);
    expect(item.paper.aiKeywords).toEqual([
      'hallucinations',
      'binary classification',
      'uncertain responses',
      'trustworthy AI systems',
    ]);
    expect(item.listDate).toBe('2025-09-08');
    expect(item.submitter).toBe('taesiri');
    expect(item.paper.authors).toEqual(['Adam Tauman Kalai', 'Ofir Nachum', 'Santosh S. Vempala', 'Edwin Zhang']);
  });

  it('reads the whole bundled sample with no rejections and ids kept as text', () => {
    const batch = parseBatch(sample());
    expect(batch.rejected).toEqual([]);
    expect(batch.items).toHaveLength(215);
    expect(batch.items.every((i) => /^9901\.\d{5}$/.test(i.paper.id))).toBe(true);
    expect(new Set(batch.items.map((i) => i.listDate)).size).toBe(10);
  });
});

describe('schema drift', () => {
  const base = () => structuredClone(dailyPapers20241025()[0]!) as Record<string, any>;

  it('keeps unknown fields in raw and ignores them otherwise', () => {
    const record = base();
    record.paper.brandNewField = { nested: [1, 2] };
    record.sparkles = true;
    const item = listed(record);
    expect((item.paper.raw as any).paper.brandNewField).toEqual({ nested: [1, 2] });
    expect((item.paper.raw as any).sparkles).toBe(true);
  });

  it('drops an optional field of the wrong type instead of rejecting the record', () => {
    const record = base();
    record.paper.githubStars = 'lots';
    record.paper.ai_keywords = 'not-a-list';
    record.numComments = null;
    record.paper.publishedAt = 'yesterday-ish';
    const item = listed(record);
    expect(item.paper.githubStars).toBeNull();
    expect(item.paper.aiKeywords).toBeNull();
    expect(item.paper.numComments).toBe(0);
    expect(item.paper.publishedAt).toBeNull();
  });

  it('accepts a record with only the five required fields', () => {
    const item = listed({ paper: { id: '2501.00001', title: 'T', summary: 'S', upvotes: 0, authors: [] } });
    expect(item.paper).toMatchObject({ id: '2501.00001', title: 'T', abstract: 'S', authors: [], githubRepo: null });
    expect(item.listDate).toBeUndefined();
  });
});

describe('malformed records are rejected with the field at fault', () => {
  const good = () => ({ paper: { id: '2501.00001', title: 'T', summary: 'S', upvotes: 3, authors: [{ name: 'A' }] } });

  it.each([
    ['a missing title', (r: any) => delete r.paper.title, 'paper.title is missing'],
    ['a numeric id', (r: any) => (r.paper.id = 2503.0213), 'paper.id must be a string, got number'],
    ['upvotes as text', (r: any) => (r.paper.upvotes = '12'), 'paper.upvotes must be number, got string'],
    ['authors not a list', (r: any) => (r.paper.authors = 'A, B'), 'paper.authors must be array, got string'],
    ['an empty id', (r: any) => (r.paper.id = '  '), 'paper.id is empty'],
    ['negative upvotes', (r: any) => (r.paper.upvotes = -1), 'paper.upvotes'],
  ])('%s', (_name, mutate, reason) => {
    const record = good();
    mutate(record);
    const outcome = rejected(record);
    expect(outcome.reason).toContain(reason);
    expect(outcome.index).toBe(7);
  });

  it('names the id of a rejected record, even a numeric one', () => {
    const record: any = good();
    record.paper.id = 2503.0213;
    expect(rejected(record).id).toBe('2503.0213');
    record.paper.id = '2503.02130';
    delete record.paper.summary;
    expect(rejected(record).id).toBe('2503.02130');
  });

  it('rejects values that are not records at all', () => {
    for (const value of [null, 42, 'paper', [], {}]) expect(parseRecord(value, 0)).toHaveProperty('reason');
  });

  it('keeps the good records of a batch around a bad one', () => {
    const bad: any = good();
    bad.paper.title = null;
    const batch = parseBatch([good(), bad, { ...good(), paper: { ...good().paper, id: '2501.00002' } }]);
    expect(batch.items.map((i) => i.paper.id)).toEqual(['2501.00001', '2501.00002']);
    expect(batch.rejected).toEqual([{ index: 1, id: '2501.00001', reason: expect.stringContaining('paper.title') }]);
  });
});

describe('text normalisation', () => {
  it('joins hard-wrapped titles', () => {
    expect(
      normalizeTitle('Breaking the Memory Barrier: Near Infinite Batch Size Scaling for\n  Contrastive Loss'),
    ).toBe('Breaking the Memory Barrier: Near Infinite Batch Size Scaling for Contrastive Loss');
  });
  it('joins wrapped lines inside paragraphs and keeps paragraph breaks', () => {
    expect(normalizeAbstract('First line\nwraps here.\n\n  Second\tparagraph\n')).toBe(
      'First line wraps here.\n\nSecond paragraph',
    );
  });
});
