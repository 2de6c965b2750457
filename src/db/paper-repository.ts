import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Paper } from '../domain/paper.js';
import type { ListedPaper, PaperRecord } from '../huggingface/normalize.js';
import { rankPrior } from '../search/ranking.js';
import type { Database } from './client.js';
import { dailyEntries, paperMetrics, papers } from './schema.js';

/** What one upsert did, per paper. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Rows per INSERT statement: large enough to amortise round trips, small enough for PGlite's memory. */
const BATCH = 500;

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
  thumbnail: papers.thumbnail,
  numComments: papers.numComments,
  upvotes: papers.upvotes,
} as const;

/**
 * Stores papers and their list entries. Every write is idempotent: storing the same records again changes no row
 * and adds only a metrics snapshot per paper.
 */
export class PgPaperRepository {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  /**
   * Upserts listed papers; each entry lands on `listDate` when given (an API fetch of that date), else on the date
   * the record names (an import). Ranks: the order given for a fetched date; by upvotes for an import.
   */
  async upsertListed(items: readonly ListedPaper[], listDate?: string): Promise<UpsertCounts> {
    const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
    // A paper may appear twice in one batch (on two dates): the last record wins, both entries are kept.
    const latest = new Map<string, PaperRecord>();
    for (const item of items) latest.set(item.paper.id, item.paper);
    const entries = buildEntries(items, listDate);
    const records = [...latest.values()];
    await this.database.db.transaction(async (tx) => {
      for (let i = 0; i < records.length; i += BATCH) {
        const chunk = records.slice(i, i + BATCH);
        const now = new Date();
        const returned = await tx
          .insert(papers)
          .values(chunk.map((p) => ({ ...toRow(p), updatedAt: now })))
          .onConflictDoUpdate({
            target: papers.id,
            set: {
              title: sql`excluded.title`,
              abstract: sql`excluded.abstract`,
              authors: sql`excluded.authors`,
              publishedAt: sql`excluded.published_at`,
              aiSummary: sql`excluded.ai_summary`,
              aiKeywords: sql`excluded.ai_keywords`,
              githubRepo: sql`excluded.github_repo`,
              githubStars: sql`excluded.github_stars`,
              projectPage: sql`excluded.project_page`,
              organization: sql`excluded.organization`,
              thumbnail: sql`excluded.thumbnail`,
              numComments: sql`excluded.num_comments`,
              upvotes: sql`excluded.upvotes`,
              raw: sql`excluded.raw`,
              rankPrior: sql`excluded.rank_prior`,
              updatedAt: sql`excluded.updated_at`,
            },
            // Only a changed record is written: re-ingesting a day rewrites nothing.
            setWhere: sql`${papers.raw} is distinct from excluded.raw or ${papers.title} is distinct from excluded.title or ${papers.abstract} is distinct from excluded.abstract`,
          })
          .returning({ inserted: sql<boolean>`(xmax = 0)` });
        for (const row of returned) {
          if (row.inserted) counts.inserted++;
          else counts.updated++;
        }
        counts.unchanged += chunk.length - returned.length;
        await tx.insert(paperMetrics).values(
          chunk.map((p) => ({
            paperId: p.id,
            capturedAt: now,
            upvotes: p.upvotes,
            numComments: p.numComments,
            githubStars: p.githubStars,
          })),
        );
      }
      for (let i = 0; i < entries.length; i += BATCH) {
        await tx
          .insert(dailyEntries)
          .values(entries.slice(i, i + BATCH))
          .onConflictDoUpdate({
            target: [dailyEntries.listDate, dailyEntries.paperId],
            set: {
              rank: sql`excluded.rank`,
              submittedAt: sql`excluded.submitted_at`,
              submitter: sql`excluded.submitter`,
            },
            setWhere: sql`(${dailyEntries.rank}, ${dailyEntries.submittedAt}, ${dailyEntries.submitter}) is distinct from (excluded.rank, excluded.submitted_at, excluded.submitter)`,
          });
      }
    });
    return counts;
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

type PaperRow = Pick<typeof papers.$inferSelect, keyof typeof paperColumns>;

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
    thumbnail: row.thumbnail,
    numComments: row.numComments,
    upvotes: row.upvotes,
  };
}

function toRow(p: PaperRecord) {
  return {
    id: p.id,
    title: p.title,
    abstract: p.abstract,
    authors: p.authors,
    publishedAt: p.publishedAt,
    aiSummary: p.aiSummary,
    aiKeywords: p.aiKeywords,
    githubRepo: p.githubRepo,
    githubStars: p.githubStars,
    projectPage: p.projectPage,
    organization: p.organization,
    thumbnail: p.thumbnail,
    numComments: p.numComments,
    upvotes: p.upvotes,
    raw: p.raw,
    rankPrior: rankPrior(p.upvotes, p.publishedAt),
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
