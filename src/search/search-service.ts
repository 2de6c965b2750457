import { type SQL, sql } from 'drizzle-orm';
import { type Database, rowsOf } from '../db/client.js';
import { toPaper } from '../db/paper-repository.js';
import type { Paper } from '../domain/paper.js';
import type { SearchQuery } from './query.js';
import { CANDIDATES, LABEL_WEIGHTS, RECENCY_DAYS, WEIGHTS } from './ranking.js';

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
}

export interface SearchPage {
  readonly limit: number;
  readonly offset?: number | undefined;
  /** The moment recency is measured from. */
  readonly now: Date;
}

/** Word-similarity threshold of the typo fallback (pg_trgm's default, 0.6, misses one-letter swaps in a word). */
const FUZZY_THRESHOLD = 0.5;

const SELECT_PAPER = sql.raw(
  'p.id, p.title, p.abstract, p.authors, p.published_at as "publishedAt", p.ai_summary as "aiSummary", p.ai_keywords as "aiKeywords", p.github_repo as "githubRepo", p.github_stars as "githubStars", p.project_page as "projectPage", p.organization, p.thumbnail, p.num_comments as "numComments", p.upvotes',
);

type Row = Record<string, unknown> & { score: number };

/**
 * Full-text search over the archive (see ranking.ts for how it stays bounded on a large archive). Papers the
 * query names by id or URL come first; when full text finds nothing, titles are matched by trigram similarity.
 */
export class SearchService {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async search(query: SearchQuery, page: SearchPage): Promise<SearchResult> {
    const offset = page.offset ?? 0;
    const named = await this.named(query.paperIds);
    const missingIds = query.paperIds.filter((id) => !named.some((p) => p.id === id));
    const namedHits = named.map((paper) => ({ paper, score: 1 }));
    const exclude = named.map((p) => p.id);
    if (!query.text && query.paperIds.length > 0 && !hasFilters(query)) {
      const hits = namedHits.slice(offset, offset + page.limit);
      return { hits, mode: 'id', hasMore: namedHits.length > offset + page.limit, missingIds };
    }
    // Named papers fill the first slots of page one; text results follow them.
    const namedOnPage = namedHits.slice(offset, offset + page.limit);
    const restOffset = Math.max(0, offset - namedHits.length);
    const restLimit = page.limit - namedOnPage.length;
    let mode: SearchMode = query.text ? 'fulltext' : 'browse';
    let rows = query.text
      ? await this.fulltext(query, restLimit + 1, restOffset, page.now, exclude)
      : await this.browse(query, restLimit + 1, restOffset, exclude);
    if (query.text && rows.length === 0 && namedHits.length === 0) {
      // Nothing by full text (on a later page: nothing at all) → the typo-tolerant title match.
      const noFulltext = restOffset === 0 || (await this.fulltext(query, 1, 0, page.now, exclude)).length === 0;
      const fuzzy = noFulltext ? await this.fuzzy(query, restLimit + 1, restOffset, exclude) : [];
      if (fuzzy.length > 0) {
        rows = fuzzy;
        mode = 'fuzzy';
      }
    }
    const more = rows.length > restLimit;
    const hits = [
      ...namedOnPage,
      ...rows.slice(0, restLimit).map((r) => ({ paper: toPaper(r as never), score: Number(r.score) })),
    ];
    return { hits, mode, hasMore: more, missingIds };
  }

  /** True when the text is a query the full-text engine can match on: at least one positive, non-stop word. */
  async isSearchable(text: string): Promise<boolean> {
    const [row] = await this.database.rows<{ tree: string }>(
      sql`select querytree(websearch_to_tsquery('english', pp_unaccent(${text}))) as tree`,
    );
    return row !== undefined && row.tree !== '' && row.tree !== 'T';
  }

  /**
   * Which of the given papers match the query text (used to mark a digest's papers with a channel's topics).
   */
  async matching(text: string, paperIds: readonly string[]): Promise<Set<string>> {
    if (paperIds.length === 0) return new Set();
    const rows = await this.database.rows<{ id: string }>(
      sql`select id from papers where id in ${sql`(${sql.join(
        paperIds.map((id) => sql`${id}`),
        sql`, `,
      )})`} and search @@ websearch_to_tsquery('english', pp_unaccent(${text}))`,
    );
    return new Set(rows.map((r) => r.id));
  }

  private async named(ids: readonly string[]): Promise<Paper[]> {
    if (ids.length === 0) return [];
    const rows = await this.database.rows<Row>(
      sql`select ${SELECT_PAPER}, 1 as score from papers p where p.id in (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    const byId = new Map(rows.map((r) => [String(r.id), toPaper(r as never)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  private async fulltext(q: SearchQuery, limit: number, offset: number, now: Date, exclude: string[]): Promise<Row[]> {
    const tsq = sql`websearch_to_tsquery('english', pp_unaccent(${q.text}))`;
    const relaxed = relaxPhrases(q.text);
    // Candidates come from the index alone (ids, ordered by the stored prior): no tsvector is read for them.
    // A phrase needs word positions, i.e. every matching row's tsvector; so candidates match the phrase's words
    // (exact in the GIN index) and only those candidates are checked for the phrase itself.
    const candidateQuery = relaxed === q.text ? tsq : sql`websearch_to_tsquery('english', pp_unaccent(${relaxed}))`;
    const phraseCheck = relaxed === q.text ? sql`` : sql`where p.search @@ ${tsq}`;
    const nowIso = now.toISOString();
    return this.database.rows<Row>(sql`
      with candidates as materialized (
        select id from papers
        where search @@ ${candidateQuery} ${filters(q, exclude)}
        order by rank_prior desc nulls last
        limit ${sql.raw(String(CANDIDATES))}
      ), scored as (
        select p.id,
          ${WEIGHTS.relevance} * ts_rank_cd(${LABEL_WEIGHTS}::float4[], p.search, ${tsq}, 32)
          + ${WEIGHTS.upvotes} * least(1.0, ln(1 + p.upvotes) / ln(1001))
          + ${WEIGHTS.recency} * exp(-greatest(0, extract(epoch from (${nowIso}::timestamptz - coalesce(p.published_at, ${nowIso}::timestamptz))) / 86400.0) / ${RECENCY_DAYS})
          as score
        from candidates c join papers p on p.id = c.id
        ${phraseCheck}
      ), page as (
        select id, score from scored order by score desc, id limit ${limit} offset ${offset}
      )
      select ${SELECT_PAPER}, s.score::float8 as score
      from page s join papers p on p.id = s.id
      order by s.score desc, p.id`);
  }

  private async fuzzy(q: SearchQuery, limit: number, offset: number, exclude: string[]): Promise<Row[]> {
    const text = q.text.replace(/["()!&|:<>*-]/g, ' ').trim();
    if (text.length < 3) return [];
    return this.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true)`);
      const result = await tx.execute(sql`
        select ${SELECT_PAPER}, word_similarity(pp_unaccent(${text}), pp_unaccent(p.title))::float8 as score
        from papers p
        where pp_unaccent(${text}) <% pp_unaccent(p.title) ${filters(q, exclude)}
        order by score desc, p.rank_prior desc, p.id
        limit ${limit} offset ${offset}`);
      return rowsOf<Row>(result);
    });
  }

  private async browse(q: SearchQuery, limit: number, offset: number, exclude: string[]): Promise<Row[]> {
    return this.database.rows<Row>(sql`
      select ${SELECT_PAPER}, p.rank_prior::float8 as score from papers p
      where true ${filters(q, exclude)}
      order by p.rank_prior desc nulls last, p.id
      limit ${limit} offset ${offset}`);
  }
}

/**
 * A superset of the query without phrase constraints, for picking candidates from the index: a positive
 * "quoted phrase" becomes its words (all required), a negated one is dropped. Unchanged when there is no quote.
 */
export function relaxPhrases(text: string): string {
  if (!text.includes('"')) return text;
  return text
    .replace(/(^|\s)-"[^"]*"?/g, ' ')
    .replace(/"/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function hasFilters(q: SearchQuery): boolean {
  return q.since !== undefined || q.minUpvotes !== undefined || q.hasCode;
}

/** `and …` clauses for the query's filters; columns are unqualified, so this works with or without alias `p`. */
function filters(q: SearchQuery, exclude: readonly string[]): SQL {
  const parts: SQL[] = [];
  if (q.since) parts.push(sql`and published_at >= ${q.since}::date`);
  if (q.minUpvotes !== undefined) parts.push(sql`and upvotes >= ${q.minUpvotes}`);
  if (q.hasCode) parts.push(sql`and github_repo is not null`);
  if (exclude.length > 0) {
    parts.push(
      sql`and id not in (${sql.join(
        exclude.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }
  return sql.join(parts, sql` `);
}
