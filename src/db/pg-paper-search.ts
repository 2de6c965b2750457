import { type SQL, sql } from 'drizzle-orm';
import type { Paper } from '../domain/paper.js';
import type { PaperSearch, SearchMode, SearchPage, SearchResult } from '../ports/search.js';
import { hasFacets, parseSearchQuery, type SearchQuery } from '../search/query.js';
import { CANDIDATES, LABEL_WEIGHTS, RECENCY_DAYS, WEIGHTS } from '../search/ranking.js';
import type { Database } from './client.js';
import { textArray, toPaper } from './pg-paper-store.js';

/** Archives smaller than this are searched in one band: every match is cheap to read. */
const SLICE_MIN_PAPERS = 50_000;
/** Cumulative shares of the archive (by rank_prior) at which the bands end. */
const SLICE_FRACTIONS = [0.1, 0.35];

/** How similar (pg_trgm) a title word must be to replace an unknown query word. */
const MIN_CORRECTION_SIMILARITY = 0.3;

/** A band of rank_prior: `from` inclusive, `below` exclusive; open ends when undefined. */
interface Band {
  readonly from?: number | undefined;
  readonly below?: number | undefined;
}

function bandRange(band: Band): SQL {
  const parts: SQL[] = [];
  if (band.from !== undefined) parts.push(sql`and rank_prior >= ${band.from}`);
  if (band.below !== undefined) parts.push(sql`and rank_prior < ${band.below}`);
  return sql.join(parts, sql` `);
}

const SELECT_PAPER = sql.raw(
  'p.id, p.title, p.abstract, p.authors, p.published_at as "publishedAt", p.ai_summary as "aiSummary", p.ai_keywords as "aiKeywords", p.github_repo as "githubRepo", p.github_stars as "githubStars", p.project_page as "projectPage", p.organization, p.org_handle as "organizationHandle", p.submitter, p.thumbnail, p.num_comments as "numComments", p.upvotes',
);

type Row = Record<string, unknown> & { score: number };

/**
 * Full-text search over the archive (see ranking.ts for how it stays bounded on a large archive). Papers the
 * query names by id or URL come first; when full text finds nothing, titles are matched by trigram similarity.
 */
export class PgPaperSearch implements PaperSearch {
  private readonly database: Database;
  private bandsCache: { bands: Band[]; until: number } | undefined;
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
    let correctedQuery: string | undefined;
    if (query.text && rows.length === 0 && namedHits.length === 0) {
      // Nothing by full text: try the query with its misspelled words corrected.
      const corrected = await this.corrected(query.text);
      if (corrected) {
        const retry = await this.fulltext({ ...query, text: corrected }, restLimit + 1, restOffset, page.now, exclude);
        if (retry.length > 0) {
          rows = retry;
          mode = 'fuzzy';
          correctedQuery = corrected;
        }
      }
    }
    const more = rows.length > restLimit;
    const hits = [
      ...namedOnPage,
      ...rows.slice(0, restLimit).map((r) => ({ paper: toPaper(r as never), score: Number(r.score) })),
    ];
    return { hits, mode, hasMore: more, missingIds, correctedQuery };
  }

  /** True when the text is a query the full-text engine can match on: at least one positive, non-stop word. */
  async isSearchable(text: string): Promise<boolean> {
    const parsed = tryParse(text);
    if (parsed && hasFacets(parsed)) return true;
    const [row] = await this.database.rows<{ tree: string }>(
      sql`select querytree(websearch_to_tsquery('english', pp_unaccent(${text}))) as tree`,
    );
    return row !== undefined && row.tree !== '' && row.tree !== 'T';
  }

  async matchingQueries(queries: readonly string[], paperIds: readonly string[]): Promise<Map<string, number[]>> {
    const result = new Map<string, number[]>();
    if (queries.length === 0 || paperIds.length === 0) return result;
    // A topic with author: / org: matches on its text (without the facets) and its facets together.
    const texts = queries.map((query) => {
      const parsed = tryParse(query);
      return parsed && hasFacets(parsed) ? parsed.text : query;
    });
    const facets = queries.map((query) => {
      const parsed = tryParse(query);
      return parsed ? facetQuery(parsed) : undefined;
    });
    const facetRows = facets.some((f) => f !== undefined)
      ? sql`left join (values ${sql.join(
          facets.flatMap((f, i) => (f ? [sql`(${i + 1}::bigint, ${f})`] : [])),
          sql`, `,
        )}) as f(n, tsq) on f.n = q.n`
      : sql`left join (select null::bigint as n, null::tsquery as tsq) as f on false`;
    const rows = await this.database.rows<{ id: string; matched: number[] }>(sql`
      select p.id, array_agg((q.n - 1)::int order by q.n) as matched
      from papers p, unnest(${textArray(texts)}::text[]) with ordinality as q(query, n)
      ${facetRows}
      where p.id = any(${textArray(paperIds)}::text[])
        and p.search @@ (websearch_to_tsquery('english', pp_unaccent(q.query)) && coalesce(f.tsq, ''::tsquery))
      group by p.id`);
    for (const row of rows) result.set(row.id, row.matched.map(Number));
    return result;
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
    // A phrase needs word positions, i.e. every matching row's tsvector; so candidates match the phrase's words
    // (exact in the GIN index) and only those candidates are checked for the phrase itself.
    const candidateQuery = relaxed === q.text ? tsq : sql`websearch_to_tsquery('english', pp_unaccent(${relaxed}))`;
    const phraseCheck = relaxed === q.text ? sql`` : sql`where p.search @@ ${tsq}`;
    const nowIso = now.toISOString();
    // One subquery per band of rank_prior, highest band first, under one LIMIT: Postgres's Append runs them in
    // order and only as far as needed, so a common term stops in the top band and a rare one reads every band
    // (its matches are few). Either way the candidates are exactly the top matches by prior. An `author:` or `org:`
    // facet bounds the matches (an author's papers), so it takes one band: with bands, the planner ANDed the facet's
    // bitmap with a bitmap of the band's rank_prior range (250,000 rows at 1M papers, ~30 ms) to save a few hundred
    // heap rows.
    const bands = (hasFacets(q) ? [{}] : await this.priorBands()).map(
      (band) => sql`(select id, rank_prior from papers
        where search @@ ${candidateQuery} ${filters(q, exclude)} ${bandRange(band)}
        order by rank_prior desc nulls last
        limit ${sql.raw(String(CANDIDATES))})`,
    );
    return this.database.rows<Row>(sql`
      with candidates as materialized (
        select id from (${sql.join(bands, sql` union all `)}) banded
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

  /**
   * Bands of the archive by rank_prior, highest first: the top 10%, the next 25%, the rest (each band repeats the
   * index lookup, so few and wide). Edges
   * come from the planner's statistics (pg_stats histogram, refreshed by ANALYZE), so they cost nothing; without
   * statistics, or below SLICE_MIN_PAPERS, there is one band. Cached for 10 minutes.
   */
  private async priorBands(): Promise<Band[]> {
    const cached = this.bandsCache;
    if (cached && cached.until > Date.now()) return cached.bands;
    const [stats] = await this.database.rows<{ n: number; bounds: string | null }>(sql`
      select greatest(c.reltuples, 0)::float8 as n,
        (select s.histogram_bounds::text from pg_stats s
          where s.schemaname = current_schema() and s.tablename = 'papers' and s.attname = 'rank_prior') as bounds
      from pg_class c where c.oid = 'papers'::regclass`);
    const bounds = stats?.bounds ? stats.bounds.replace(/[{}]/g, '').split(',').map(Number) : [];
    let bands: Band[] = [{}];
    if ((stats?.n ?? 0) >= SLICE_MIN_PAPERS && bounds.length >= 10 && bounds.every(Number.isFinite)) {
      // histogram_bounds are ascending quantiles: the edge below the top share f is at position (1 - f).
      const edges = SLICE_FRACTIONS.map((f) => bounds[Math.round((1 - f) * (bounds.length - 1))]!);
      bands = [];
      let below: number | undefined;
      for (const edge of edges) {
        bands.push({ from: edge, below });
        below = edge;
      }
      bands.push({ below });
    }
    this.bandsCache = { bands, until: Date.now() + 10 * 60_000 };
    return bands;
  }

  /**
   * The typo fallback: each query word that no title contains is replaced by the most similar word that one does
   * (pg_trgm similarity over `title_words`, the vocabulary of titles, which stays small as the archive grows),
   * then the corrected query goes through full-text search. Undefined when nothing could be corrected.
   */
  private async corrected(text: string): Promise<string | undefined> {
    const unknown = await this.database.rows<{ word: string; normalized: string }>(sql`
      with words as (
        select distinct w as word from regexp_split_to_table(lower(pp_unaccent(${text})), '[^a-z0-9]+') w
        where length(w) between 3 and 40
      )
      select words.word, lower(pp_unaccent(${text})) as normalized
      from words
      where not exists (select 1 from title_words t where t.word = words.word)`);
    // One nearest-word lookup per unknown word, in parallel (~15 ms each at 1M papers; on Postgres they run on
    // separate connections, on PGlite they queue).
    const words = await Promise.all(
      unknown.map(async ({ word, normalized }) => {
        const [best] = await this.database.rows<{ word: string; sim: number }>(sql`
          select t.word, similarity(t.word, ${word}) as sim from title_words t
          order by t.word <-> ${word} limit 1`);
        const suggestion = best && best.sim >= MIN_CORRECTION_SIMILARITY ? best.word : null;
        return { word, normalized, suggestion };
      }),
    );
    // Corrections apply to the query as the vocabulary sees it: lower case, accents removed (full-text search
    // ignores both, and "or" works in any case).
    let result = words[0]?.normalized ?? text;
    let changed = false;
    for (const { word, suggestion } of words) {
      if (!suggestion || suggestion === word) continue;
      const pattern = new RegExp(`(^|[^a-z0-9])${escapeRegExp(word)}(?=$|[^a-z0-9])`, 'g');
      const next = result.replace(pattern, (_m, lead: string) => `${lead}${suggestion}`);
      if (next !== result) {
        result = next;
        changed = true;
      }
    }
    return changed ? result : undefined;
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

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function hasFilters(q: SearchQuery): boolean {
  return q.since !== undefined || q.minUpvotes !== undefined || q.hasCode || hasFacets(q);
}

/**
 * The `author:` / `org:` filters as a tsquery over the facet lexemes of the same search column (migration 0010), or
 * undefined when the query has none.
 */
export function facetQuery(q: Pick<SearchQuery, 'authors' | 'orgs'>): SQL | undefined {
  if (!hasFacets(q as SearchQuery)) return undefined;
  return sql`pp_facet_tsquery(${textArray(q.authors ?? [])}::text[], ${textArray(q.orgs ?? [])}::text[])`;
}

/** `and …` clauses for the query's filters; columns are unqualified, so this works with or without alias `p`. */
function filters(q: SearchQuery, exclude: readonly string[]): SQL {
  const parts: SQL[] = [];
  if (q.since) parts.push(sql`and published_at >= ${q.since}::date`);
  if (q.minUpvotes !== undefined) parts.push(sql`and upvotes >= ${q.minUpvotes}`);
  if (q.hasCode) parts.push(sql`and github_repo is not null`);
  const facets = facetQuery(q);
  if (facets) parts.push(sql`and search @@ ${facets}`);
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

/** The parsed query, or undefined when it does not parse (a topic stored before a filter's rules changed). */
function tryParse(text: string): SearchQuery | undefined {
  try {
    return parseSearchQuery(text);
  } catch {
    return undefined;
  }
}
