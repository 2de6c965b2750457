import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { type ListedPaper, type Paper, type PaperRecord, STARS_MILESTONE } from '../domain/paper.js';
import type { PaperStore, UpsertCounts } from '../ports/stores.js';
import { rankPrior } from '../search/ranking.js';
import type { Database } from './client.js';
import { dailyEntries, papers } from './schema.js';

/** Rows per INSERT statement: large enough to amortise round trips, small enough for PGlite's memory. */
const BATCH = 500;

const PAPER_COLUMNS =
  'id, title, abstract, authors, published_at, ai_summary, ai_keywords, github_repo, github_stars, project_page, organization, thumbnail, num_comments, upvotes, raw, rank_prior, org_handle, submitter, github_repo_at, stars_1k_at';
const PAPER_CASTS = [
  'text',
  'text',
  'text',
  'jsonb',
  'timestamptz',
  'text',
  'text[]',
  'text',
  'int',
  'text',
  'text',
  'text',
  'int',
  'int',
  'jsonb',
  'float8',
  'text',
  'text',
  'timestamptz',
  'timestamptz',
];
const PAPER_UPDATES = PAPER_COLUMNS.split(', ')
  .filter((c) => c !== 'id' && c !== 'github_repo_at' && c !== 'stars_1k_at')
  .concat('updated_at')
  // A record without a submitter (a bare paper lookup) keeps the one a list gave.
  .map((c) => (c === 'submitter' ? 'submitter = coalesce(excluded.submitter, p.submitter)' : `${c} = excluded.${c}`))
  // When the repository first appeared and the stars first passed the milestone: set once, never moved.
  .concat(
    'github_repo_at = coalesce(p.github_repo_at, excluded.github_repo_at)',
    'stars_1k_at = coalesce(p.stars_1k_at, excluded.stars_1k_at)',
  )
  .join(', ');

/** `$3::text, $4::int, …` for one row whose first parameter is number `at + 1`. */
function placeholders(at: number, casts: readonly string[]): string {
  return casts.map((cast, i) => `$${at + i + 1}::${cast}`).join(', ');
}

/** A Postgres text[] literal: every element double-quoted, `\\` and `"` escaped. */
export function textArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

export const paperColumns = {
  id: papers.id,
  title: papers.title,
  abstract: papers.abstract,
  authors: papers.authors,
  publishedAt: papers.publishedAt,
  aiSummary: papers.aiSummary,
  aiKeywords: papers.aiKeywords,
  githubRepo: papers.githubRepo,
  githubStars: papers.githubStars,
  projectPage: papers.projectPage,
  organization: papers.organization,
  organizationHandle: papers.orgHandle,
  submitter: papers.submitter,
  thumbnail: papers.thumbnail,
  numComments: papers.numComments,
  upvotes: papers.upvotes,
} as const;

/**
 * Stores papers and their list entries. Every write is idempotent: storing the same records again changes no row
 * and adds only a metrics snapshot per paper.
 */
/** Stale "similar papers" signatures signed again per ingest (at most; see pp_similar_refresh). */
const SIGNATURE_REFRESH = 500;

export class PgPaperStore implements PaperStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  /**
   * Upserts listed papers; each entry lands on `listDate` when given (an API fetch of that date), else on the date
   * the record names (an import). Ranks: the order given for a fetched date; by upvotes for an import.
   */
  async upsertListed(
    items: readonly ListedPaper[],
    listDate?: string,
    capturedAt?: Date,
    options: { readonly bulk?: boolean | undefined } = {},
  ): Promise<UpsertCounts> {
    const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
    // A paper may appear twice in one batch (on two dates): the last record wins, both entries are kept.
    const latest = new Map<string, PaperRecord>();
    const submitters = new Map<string, string>();
    for (const item of items) {
      latest.set(item.paper.id, item.paper);
      if (item.submitter) submitters.set(item.paper.id, item.submitter);
    }
    const entries = buildEntries(items, listDate);
    // Sorted by id, so concurrent batches lock rows in the same order and cannot deadlock.
    const records = [...latest.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const now = (capturedAt ?? new Date()).toISOString();
    // NOTE: raw SQL on purpose. Building these 8,000-parameter statements through Drizzle's query builder cost more
    // CPU than the database work (measured: the import ran at ~850 papers/s; see README, Performance).
    await this.database.rawTransaction(async (query) => {
      // A bulk import skips the term_df triggers (hot rows every batch would wait on: measured 10× slower at 100k)
      // and rebuilds term_df once in afterBulkImport.
      if (options.bulk) await query(`select set_config('paperpulse.bulk_import', 'on', true)`, []);
      for (let i = 0; i < records.length; i += BATCH) {
        const chunk = records.slice(i, i + BATCH);
        const params: unknown[] = [now];
        const rows = chunk.map((p) => {
          const at = params.length;
          params.push(
            p.id,
            p.title,
            p.abstract,
            JSON.stringify(p.authors),
            p.publishedAt?.toISOString() ?? null,
            p.aiSummary,
            p.aiKeywords ? textArray(p.aiKeywords) : null,
            p.githubRepo,
            p.githubStars,
            p.projectPage,
            p.organization,
            p.thumbnail,
            p.numComments,
            p.upvotes,
            JSON.stringify(p.raw),
            rankPrior(p.upvotes, p.publishedAt),
            p.organizationHandle ?? null,
            submitters.get(p.id) ?? null,
            p.githubRepo ? now : null,
            (p.githubStars ?? 0) >= STARS_MILESTONE ? now : null,
          );
          return placeholders(at, PAPER_CASTS);
        });
        const returned = await query<{ inserted: boolean }>(
          `insert into papers as p (${PAPER_COLUMNS}, updated_at) values ${rows.map((r) => `(${r}, $1::timestamptz)`).join(', ')}
           on conflict (id) do update set ${PAPER_UPDATES}
           where p.raw is distinct from excluded.raw or p.title is distinct from excluded.title or p.abstract is distinct from excluded.abstract
           returning (xmax = 0) as inserted`,
          params,
        );
        for (const row of returned) {
          if (row.inserted) counts.inserted++;
          else counts.updated++;
        }
        counts.unchanged += chunk.length - returned.length;
        const metricParams: unknown[] = [now];
        const metricRows = chunk.map((p) => {
          const at = metricParams.length;
          metricParams.push(p.id, p.upvotes, p.numComments, p.githubStars);
          return `(${placeholders(at, ['text', 'int', 'int', 'int'])}, $1::timestamptz)`;
        });
        await query(
          `insert into paper_metrics (paper_id, upvotes, num_comments, github_stars, captured_at) values ${metricRows.join(', ')}`,
          metricParams,
        );
      }
      for (let i = 0; i < entries.length; i += BATCH) {
        const chunk = entries.slice(i, i + BATCH);
        const params: unknown[] = [];
        const rows = chunk.map((e) => {
          const at = params.length;
          params.push(e.listDate, e.paperId, e.rank, e.submittedAt?.toISOString() ?? null, e.submitter, now);
          return `(${placeholders(at, ['date', 'text', 'int', 'timestamptz', 'text', 'timestamptz'])})`;
        });
        // first_seen_at: when this process first stored the entry (the clock's time), what instant alerts go by.
        await query(
          `insert into daily_entries as d (list_date, paper_id, rank, submitted_at, submitter, first_seen_at) values ${rows.join(', ')}
           on conflict (list_date, paper_id) do update set rank = excluded.rank, submitted_at = excluded.submitted_at, submitter = excluded.submitter
           where (d.rank, d.submitted_at, d.submitter) is distinct from (excluded.rank, excluded.submitted_at, excluded.submitter)`,
          params,
        );
      }
      // The vocabulary of titles, for the typo fallback of search (see SearchService.corrected). One statement, in
      // word order, last before the commit: two imports running at once then wait on each other's words in the
      // same order and cannot deadlock (one statement per chunk did, at 1M papers with two batches in flight).
      if (records.length > 0) {
        await query(
          `insert into title_words (word)
           select w from (
             select distinct w from unnest($1::text[]) as t(title), regexp_split_to_table(lower(pp_unaccent(t.title)), '[^a-z0-9]+') as w
             where length(w) between 3 and 40
           ) words order by w
           on conflict do nothing`,
          [textArray(records.map((p) => p.title))],
        );
      }
      // "Similar papers": the triggers signed the new and changed papers; a few signatures whose idf dates from a
      // much smaller archive are signed again with each ingest, so drift is corrected as the archive grows.
      if (!options.bulk && records.length > 0) await query(`select pp_similar_refresh(${SIGNATURE_REFRESH})`, []);
    });
    return counts;
  }

  /**
   * After a bulk import: merges the GIN pending list into the index (searches read it until then) and refreshes
   * the planner's statistics, which also give search its rank_prior bands.
   */
  async afterBulkImport(): Promise<void> {
    await this.database.rawTransaction((query) => query('select pp_term_df_rebuild()', []));
    // "Similar papers" signatures: the papers this import brought or changed, and every stale one (migration 0015).
    await this.database.rawTransaction((query) => query('select pp_similar_fill()', []));
    await this.database.rows(sql`select gin_clean_pending_list('papers_search_gin'::regclass)`);
    await this.database.rows(sql`analyze papers`);
    // Vacuumed, not only analysed: "similar" reads postings by index-only scans, which skip the table only where
    // the visibility map says a page is all-visible (PGlite has no autovacuum to set it).
    await this.database.rows(sql`vacuum (analyze) signature_postings`);
    await this.database.rows(sql`analyze daily_entries`);
  }

  async findById(id: string): Promise<Paper | undefined> {
    const [row] = await this.database.db.select(paperColumns).from(papers).where(eq(papers.id, id));
    return row ? toPaper(row) : undefined;
  }

  async findByIds(ids: readonly string[]): Promise<Paper[]> {
    if (ids.length === 0) return [];
    const rows = await this.database.db
      .select(paperColumns)
      .from(papers)
      .where(inArray(papers.id, [...ids]));
    const byId = new Map(rows.map((r) => [r.id, toPaper(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /** The list dates a paper sits on, newest first. */
  async listDatesOf(id: string): Promise<string[]> {
    const rows = await this.database.db
      .select({ listDate: dailyEntries.listDate })
      .from(dailyEntries)
      .where(eq(dailyEntries.paperId, id))
      .orderBy(desc(dailyEntries.listDate));
    return rows.map((r) => r.listDate);
  }

  async countPapers(): Promise<number> {
    const [row] = await this.database.rows<{ n: number }>(sql`select count(*)::int as n from papers`);
    return row?.n ?? 0;
  }

  /** The newest list date on or before `onOrBefore` that has papers, if any. */
  async latestListDate(onOrBefore?: string): Promise<string | undefined> {
    const where = onOrBefore ? sql`where list_date <= ${onOrBefore}::date` : sql``;
    const [row] = await this.database.rows<{ d: string | null }>(
      sql`select max(list_date)::text as d from daily_entries ${where}`,
    );
    return row?.d ?? undefined;
  }

  async earliestListDate(): Promise<string | undefined> {
    const [row] = await this.database.rows<{ d: string | null }>(
      sql`select min(list_date)::text as d from daily_entries`,
    );
    return row?.d ?? undefined;
  }

  /** Papers on the lists from `from` to `to` (inclusive), each once, by upvotes. */
  async listedBetween(from: string, to: string, limit: number, minUpvotes = 0): Promise<Paper[]> {
    const rows = await this.database.db
      .select(paperColumns)
      .from(papers)
      .where(
        and(
          sql`${papers.id} in (select paper_id from daily_entries where list_date between ${from}::date and ${to}::date)`,
          sql`${papers.upvotes} >= ${minUpvotes}`,
        ),
      )
      .orderBy(desc(papers.upvotes), papers.id)
      .limit(limit);
    return rows.map(toPaper);
  }

  /** How many papers sit on the lists from `from` to `to`. */
  async countListedBetween(from: string, to: string): Promise<number> {
    const [row] = await this.database.rows<{ n: number }>(
      sql`select count(distinct paper_id)::int as n from daily_entries where list_date between ${from}::date and ${to}::date`,
    );
    return row?.n ?? 0;
  }
}

type PaperRow = Pick<typeof papers.$inferSelect, Exclude<keyof typeof paperColumns, 'organizationHandle'>> & {
  readonly organizationHandle?: string | null;
};

export function toPaper(row: PaperRow): Paper {
  return {
    id: row.id,
    title: row.title,
    abstract: row.abstract,
    authors: row.authors,
    // Raw SQL rows carry timestamps as strings (drizzle leaves them unparsed); typed selects carry Dates.
    publishedAt: row.publishedAt === null ? null : new Date(row.publishedAt),
    aiSummary: row.aiSummary,
    aiKeywords: row.aiKeywords,
    githubRepo: row.githubRepo,
    githubStars: row.githubStars,
    projectPage: row.projectPage,
    organization: row.organization,
    organizationHandle: row.organizationHandle ?? null,
    submitter: row.submitter ?? null,
    thumbnail: row.thumbnail,
    numComments: row.numComments,
    upvotes: row.upvotes,
  };
}

function buildEntries(items: readonly ListedPaper[], listDate: string | undefined) {
  const byDate = new Map<string, Map<string, ListedPaper>>();
  for (const item of items) {
    const date = listDate ?? item.listDate;
    if (!date) continue;
    const day = byDate.get(date) ?? new Map<string, ListedPaper>();
    byDate.set(date, day);
    day.set(item.paper.id, item);
  }
  const rows: (typeof dailyEntries.$inferInsert)[] = [];
  for (const [date, day] of byDate) {
    // A fetched list keeps Hugging Face's order; an imported file is ranked by upvotes.
    const ordered = [...day.values()];
    if (!listDate) ordered.sort((a, b) => b.paper.upvotes - a.paper.upvotes || a.paper.id.localeCompare(b.paper.id));
    ordered.forEach((item, i) => {
      rows.push({
        listDate: date,
        paperId: item.paper.id,
        rank: i + 1,
        submittedAt: item.submittedAt,
        submitter: item.submitter,
      });
    });
  }
  return rows;
}
