import { isIsoDate } from '../domain/days.js';
import { parsePaperRef } from '../domain/paper.js';
import { UserError } from '../errors.js';

/** A search as the user typed it, split into its parts. */
export interface SearchQuery {
  /** Free text for websearch_to_tsquery (phrases, OR, -exclusion), filters and paper references removed. */
  readonly text: string;
  /** arXiv ids named in the query (bare, or as arxiv.org / huggingface.co URLs): these papers come first. */
  readonly paperIds: readonly string[];
  /** `since:YYYY-MM-DD`: published on or after that day. */
  readonly since: string | undefined;
  /** `min-upvotes:N` */
  readonly minUpvotes: number | undefined;
  /** `has:code`: a GitHub repository is linked. */
  readonly hasCode: boolean;
  /** `author:"Tri Dao"` / `author:LeCun`: each must be an author (accent-, case- and spacing-insensitive). */
  readonly authors?: readonly string[] | undefined;
  /** `org:nvidia` / `org:"Google DeepMind"`: the Hugging Face organization (handle or display name). */
  readonly orgs?: readonly string[] | undefined;
}

export const MAX_QUERY_LENGTH = 500;
export const FILTER_SYNTAX = 'since:YYYY-MM-DD, min-upvotes:N, has:code, author:, org:';
/** The most `author:` plus `org:` filters one query may hold. */
export const MAX_FACETS = 5;

/**
 * Parses a search query. Filters and paper references are recognised only outside double quotes.
 *
 * @throws UserError naming the filter at fault (bad date, negative number, unknown `has:` value).
 */
export function parseSearchQuery(input: string): SearchQuery {
  const raw = input.trim();
  if (raw.length > MAX_QUERY_LENGTH) {
    throw new UserError(`That query is ${raw.length} characters long; the most is ${MAX_QUERY_LENGTH}.`);
  }
  let since: string | undefined;
  let minUpvotes: number | undefined;
  let hasCode = false;
  const paperIds: string[] = [];
  const kept: string[] = [];
  const authors: string[] = [];
  const orgs: string[] = [];
  for (const token of splitOutsideQuotes(raw)) {
    const facet = /^(author|org):(.*)$/is.exec(token);
    if (facet) {
      const key = facet[1]!.toLowerCase();
      const value = facet[2]!.replace(/"/g, '').replace(/\s+/g, ' ').trim();
      if (!/[\p{L}\p{N}]/u.test(value)) {
        throw new UserError(
          key === 'author'
            ? 'author: needs a name, e.g. author:"Tri Dao" or author:LeCun.'
            : 'org: needs a Hugging Face organization, e.g. org:nvidia or org:"Google DeepMind".',
        );
      }
      if (value.length > 100) throw new UserError(`${key}: takes at most 100 characters, not "${clip(value)}".`);
      const list = key === 'author' ? authors : orgs;
      if (!list.some((v) => v.toLowerCase() === value.toLowerCase())) list.push(value);
      if (authors.length + orgs.length > MAX_FACETS) {
        throw new UserError(`A query takes at most ${MAX_FACETS} author: and org: filters together.`);
      }
      continue;
    }
    if (/^-?"/.test(token)) {
      kept.push(token);
      continue;
    }
    const filter = /^(since|min-upvotes|has):(.*)$/i.exec(token);
    if (filter) {
      const key = filter[1]!.toLowerCase();
      const value = filter[2]!;
      if (key === 'since') {
        if (!isIsoDate(value)) throw new UserError(`since: needs a date like 2026-11-02, not "${clip(value)}".`);
        since = value;
      } else if (key === 'min-upvotes') {
        if (!/^\d{1,7}$/.test(value)) {
          throw new UserError(`min-upvotes: needs a whole number from 0 to 9999999, not "${clip(value)}".`);
        }
        minUpvotes = Number(value);
      } else {
        if (value.toLowerCase() !== 'code') throw new UserError(`has: only knows has:code, not "has:${clip(value)}".`);
        hasCode = true;
      }
      continue;
    }
    const id = parsePaperRef(token);
    if (id) {
      if (!paperIds.includes(id)) paperIds.push(id);
      continue;
    }
    kept.push(token);
  }
  return { text: kept.join(' ').trim(), paperIds, since, minUpvotes, hasCode, authors, orgs };
}

/** True when the query asks for something: text, a paper or at least one filter. */
export function hasCriteria(q: SearchQuery): boolean {
  return (
    q.text.length > 0 ||
    q.paperIds.length > 0 ||
    q.since !== undefined ||
    q.minUpvotes !== undefined ||
    q.hasCode ||
    hasFacets(q)
  );
}

/** True when the query names an author or an organization. */
export function hasFacets(q: SearchQuery): boolean {
  return (q.authors?.length ?? 0) > 0 || (q.orgs?.length ?? 0) > 0;
}

/** Splits on whitespace, keeping a "double-quoted phrase" (and an unterminated one) as one token. */
function splitOutsideQuotes(text: string): string[] {
  const tokens: string[] = [];
  // `author:"Tri Dao"` is one token: the facet and its quoted value.
  const re = /(?:author|org):"[^"]*"?|-?"[^"]*"?|[^\s"]+/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) tokens.push(m[0]);
  return tokens;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
