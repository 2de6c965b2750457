/** A paper as stored and shown. Ids are bare arXiv ids, always strings. */
export interface Paper {
  readonly id: string;
  readonly title: string;
  readonly abstract: string;
  /** Author names, in the paper's order. */
  readonly authors: readonly string[];
  /** arXiv publication time. */
  readonly publishedAt: Date | null;
  readonly aiSummary: string | null;
  readonly aiKeywords: readonly string[] | null;
  readonly githubRepo: string | null;
  readonly githubStars: number | null;
  readonly projectPage: string | null;
  readonly organization: string | null;
  /** The organization's Hugging Face handle (`org:` matches it as well as the display name). */
  readonly organizationHandle?: string | null | undefined;
  /** Hugging Face username of whoever put the paper on Daily Papers (the latest list it is on). */
  readonly submitter?: string | null | undefined;
  readonly thumbnail: string | null;
  readonly numComments: number;
  readonly upvotes: number;
}

/** A paper as received from Hugging Face, ready to store: the paper and the record it came from, verbatim. */
export interface PaperRecord extends Paper {
  /** The record as received, unknown fields included. */
  readonly raw: unknown;
}

/** A paper as it sits on a Daily Papers list. */
export interface ListedPaper {
  readonly paper: PaperRecord;
  /** The list date the record itself names (YYYY-MM-DD, UTC), when it names one. */
  readonly listDate: string | undefined;
  readonly submittedAt: Date | null;
  /** Hugging Face username of whoever put the paper on the list. */
  readonly submitter: string | null;
}

const HF_PAPERS = 'https://huggingface.co/papers';

/** The paper's Hugging Face page: where every card's title links. */
export function paperUrl(id: string): string {
  return `${HF_PAPERS}/${id}`;
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}

// New-style ids (0704.0001 onwards: YYMM.NNNN, YYMM.NNNNN from 2015) and old-style ones (hep-th/9901001).
const NEW_ID = String.raw`\d{4}\.\d{4,5}`;
const OLD_ID = String.raw`[a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7}`;
const ID = `(${NEW_ID}|${OLD_ID})(?:v\\d+)?`;
const BARE_ID = new RegExp(`^(?:arxiv:)?${ID}$`, 'i');
const URL_ID = new RegExp(
  `^(?:https?://)?(?:www\\.|export\\.)?(?:arxiv\\.org/(?:abs|pdf|html)|huggingface\\.co/papers)/${ID}(?:\\.pdf)?(?:[/?#].*)?$`,
  'i',
);

/**
 * The arXiv id a query names, when the whole query is an id (`2410.17243`, `arXiv:2410.17243v2`) or an
 * arxiv.org / huggingface.co paper URL; the version suffix is dropped. Undefined otherwise.
 *
 * @example parsePaperRef('https://arxiv.org/pdf/2410.17243v2.pdf') // '2410.17243'
 */
export function parsePaperRef(text: string): string | undefined {
  const trimmed = text.trim();
  const match = BARE_ID.exec(trimmed) ?? URL_ID.exec(trimmed);
  return match?.[1];
}

/** The first `count` authors, then "et al." when there are more. */
export function shortAuthors(authors: readonly string[], count = 3): string {
  if (authors.length === 0) return '';
  const shown = authors.slice(0, count).join(', ');
  return authors.length > count ? `${shown} et al.` : shown;
}

/** The TL;DR of a card: the AI summary when there is one, else the abstract's first sentence. */
export function tldr(paper: Pick<Paper, 'aiSummary' | 'abstract'>): string {
  if (paper.aiSummary?.trim()) return paper.aiSummary.trim();
  return firstSentence(paper.abstract);
}

/** The first sentence of a text: up to the first `.`, `!` or `?` followed by a space and a capital or the end. */
export function firstSentence(text: string): string {
  const clean = text.trim();
  const match = /^.*?[.!?](?=\s+[A-Z(]|\s*$)/su.exec(clean);
  return (match?.[0] ?? clean).trim();
}

/** GitHub stars whose first pass is a code-release follow-up event (issue 13 §5). */
export const STARS_MILESTONE = 1_000;
