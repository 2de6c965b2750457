import type { z } from 'zod';
import type { ListedPaper, PaperRecord } from '../domain/paper.js';
import { type HfPaper, hfDailyPaperSchema, hfPaperSchema } from './records.js';

/** A record that was not stored, and why (logged with its id). */
export interface RejectedRecord {
  readonly index: number;
  readonly id: string | undefined;
  readonly reason: string;
}

export interface ParsedBatch {
  readonly items: ListedPaper[];
  readonly rejected: RejectedRecord[];
}

/**
 * Bounds on what one record may store, far above any real paper (titles ~100 characters, abstracts ~2,000), so one
 * oversized or hostile record can never fail its batch: Postgres refuses a tsvector over 1 MB ("string is too long
 * for tsvector"), and the search vector is generated from the title, keywords, AI summary and abstract.
 */
export const RECORD_LIMITS = {
  title: 1_000,
  abstract: 20_000,
  aiSummary: 10_000,
  keyword: 100,
  keywords: 50,
  authorName: 200,
  authors: 2_000,
  /** Any string inside the stored raw JSON, and any array in it. */
  rawString: 20_000,
  rawArray: 2_000,
} as const;

/** A string cut to `max` characters (never in the middle of a surrogate pair). */
function bound(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[max - 1]!) ? max - 1 : max;
  return text.slice(0, cut);
}

/** The raw record with every long string and long array cut (what is stored in `papers.raw`). */
export function boundedRaw(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return bound(value, RECORD_LIMITS.rawString);
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, RECORD_LIMITS.rawArray).map((v) => boundedRaw(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = boundedRaw(v, depth + 1);
  return out;
}

/** Joins hard-wrapped lines: every run of whitespace, newlines included, becomes one space. */
export function normalizeTitle(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Joins hard-wrapped lines inside paragraphs and keeps paragraph breaks (blank lines) as `\n\n`. */
export function normalizeAbstract(text: string): string {
  return text
    .split(/\n[ \t]*\n\s*/)
    .map((paragraph) => paragraph.replace(/\s+/g, ' ').trim())
    .filter((paragraph) => paragraph.length > 0)
    .join('\n\n');
}

/**
 * Parses one record: a `/api/daily_papers` item (`{ paper, … }`) or a bare paper (`/api/papers/{id}`).
 * Never throws; a record that cannot be used comes back as a RejectedRecord naming the field at fault.
 */
export function parseRecord(value: unknown, index: number): ListedPaper | RejectedRecord {
  const isWrapper = typeof value === 'object' && value !== null && 'paper' in value;
  if (isWrapper) {
    const parsed = hfDailyPaperSchema.safeParse(value);
    if (!parsed.success) return reject(index, value, parsed.error, 'paper.');
    const item = parsed.data;
    const paper = item.paper;
    return {
      paper: toRecord(paper, value, {
        numComments: item.numComments ?? paper.numComments,
        thumbnail: item.thumbnail ?? paper.thumbnail,
        organization: item.organization ?? paper.organization,
      }),
      listDate: utcDate(paper.submittedOnDailyAt ?? item.publishedAt),
      submittedAt: paper.submittedOnDailyAt ?? item.publishedAt ?? null,
      submitter: username(item.submittedBy) ?? username(paper.submittedOnDailyBy) ?? null,
    };
  }
  const parsed = hfPaperSchema.safeParse(value);
  if (!parsed.success) return reject(index, value, parsed.error, '');
  const paper = parsed.data;
  return {
    paper: toRecord(paper, value, {}),
    listDate: utcDate(paper.submittedOnDailyAt),
    submittedAt: paper.submittedOnDailyAt ?? null,
    submitter: username(paper.submittedOnDailyBy) ?? null,
  };
}

/** Parses a whole response body or file: it must be an array; bad records are set aside, the rest kept. */
export function parseBatch(records: readonly unknown[]): ParsedBatch {
  const items: ListedPaper[] = [];
  const rejected: RejectedRecord[] = [];
  records.forEach((value, index) => {
    const outcome = parseRecord(value, index);
    if ('reason' in outcome) rejected.push(outcome);
    else items.push(outcome);
  });
  return { items, rejected };
}

export function isRejected(value: ListedPaper | RejectedRecord): value is RejectedRecord {
  return 'reason' in value;
}

function toRecord(
  paper: HfPaper,
  raw: unknown,
  outer: { numComments?: number | undefined; thumbnail?: string | undefined; organization?: HfPaper['organization'] },
): PaperRecord {
  const authors = paper.authors
    .slice(0, RECORD_LIMITS.authors)
    .map((a) => (typeof a === 'string' ? a : a.name))
    .map((name) => bound(name.replace(/\s+/g, ' ').trim(), RECORD_LIMITS.authorName))
    .filter((name) => name.length > 0);
  const org = outer.organization ?? paper.organization;
  const keywords = paper.ai_keywords
    ?.slice(0, RECORD_LIMITS.keywords)
    .map((k) => bound(k.trim(), RECORD_LIMITS.keyword))
    .filter((k) => k.length > 0);
  return {
    id: paper.id,
    title: bound(normalizeTitle(paper.title), RECORD_LIMITS.title),
    abstract: bound(normalizeAbstract(paper.summary), RECORD_LIMITS.abstract),
    authors,
    publishedAt: paper.publishedAt ?? null,
    aiSummary: nonEmpty(
      paper.ai_summary ? bound(normalizeAbstract(paper.ai_summary), RECORD_LIMITS.aiSummary) : undefined,
    ),
    aiKeywords: keywords && keywords.length > 0 ? keywords : null,
    githubRepo: nonEmpty(paper.githubRepo),
    githubStars: paper.githubStars ?? null,
    projectPage: nonEmpty(paper.projectPage),
    organization: nonEmpty(org?.fullname) ?? nonEmpty(org?.name),
    organizationHandle: nonEmpty(org?.name),
    thumbnail: nonEmpty(outer.thumbnail),
    numComments: outer.numComments ?? 0,
    upvotes: paper.upvotes,
    raw: boundedRaw(raw),
  };
}

function reject(index: number, value: unknown, error: z.ZodError, prefix: string): RejectedRecord {
  const issue = error.issues[0];
  const path = issue?.path.length ? issue.path.join('.') : '';
  const field = path.startsWith('paper.') || prefix === '' ? path : `${prefix}${path}`;
  const reason = issue
    ? `${field || 'record'} ${describeIssue(issue, valueAt(value, issue.path))}`
    : 'is not a paper record';
  return { index, id: idOf(value), reason };
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input')) {
    const got = input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input;
    return input === undefined ? 'is missing' : `must be ${issue.expected}, got ${got}`;
  }
  return issue.message;
}

/** zod 4 issues do not carry the offending value; look it up by path. */
function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { id?: unknown; paper?: { id?: unknown } };
  const id = v.paper?.id ?? v.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

function username(user: { name?: string | undefined; user?: string | undefined } | undefined): string | undefined {
  return nonEmpty(user?.name) ?? nonEmpty(user?.user) ?? undefined;
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function utcDate(value: Date | undefined): string | undefined {
  return value ? value.toISOString().slice(0, 10) : undefined;
}
