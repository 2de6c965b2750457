import { sql } from 'drizzle-orm';
import type { RisingHit, RisingQuery, RisingStore } from '../ports/rising.js';
import type { Database } from './client.js';
import { textArray, toPaper } from './pg-paper-store.js';

const WINDOW_MS = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000 } as const;

const SELECT_PAPER = sql.raw(
  'p.id, p.title, p.abstract, p.authors, p.published_at as "publishedAt", p.ai_summary as "aiSummary", p.ai_keywords as "aiKeywords", p.github_repo as "githubRepo", p.github_stars as "githubStars", p.project_page as "projectPage", p.organization, p.org_handle as "organizationHandle", p.submitter, p.thumbnail, p.num_comments as "numComments", p.upvotes',
);

/**
 * Rising papers from `paper_metrics`: for each paper listed since `listedSince`, the latest snapshot up to `now`
 * minus the baseline, the latest snapshot at or before the window's start (or, for a paper first seen inside the
 * window, its first snapshot). Two index probes per paper on (paper_id, captured_at).
 */
export class PgRisingStore implements RisingStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async rising(q: RisingQuery): Promise<RisingHit[]> {
    const end = q.now.toISOString();
    const start = new Date(q.now.getTime() - WINDOW_MS[q.window]).toISOString();
    const column = sql.raw(q.metric === 'stars' ? 'github_stars' : 'upvotes');
    const exclude = q.exclude?.length ? sql`and l.paper_id <> all(${textArray(q.exclude)}::text[])` : sql``;
    const rows = await this.database.rows<Record<string, unknown> & { gain: number }>(sql`
      with listed as (
        select distinct paper_id from daily_entries l where list_date >= ${q.listedSince}::date ${exclude}
      ), gains as (
        select l.paper_id,
          (select m.${column} from paper_metrics m
            where m.paper_id = l.paper_id and m.captured_at <= ${end}::timestamptz and m.${column} is not null
            order by m.captured_at desc limit 1)
          - coalesce(
            (select m.${column} from paper_metrics m
              where m.paper_id = l.paper_id and m.captured_at <= ${start}::timestamptz and m.${column} is not null
              order by m.captured_at desc limit 1),
            (select m.${column} from paper_metrics m
              where m.paper_id = l.paper_id and m.captured_at > ${start}::timestamptz and m.${column} is not null
              order by m.captured_at asc limit 1)) as gain
        from listed l
      ), top as (
        select paper_id, gain from gains where gain > 0 order by gain desc, paper_id limit ${q.limit}
      )
      select ${SELECT_PAPER}, t.gain::int as gain
      from top t join papers p on p.id = t.paper_id
      order by t.gain desc, p.upvotes desc, p.id`);
    return rows.map((r) => ({ paper: toPaper(r as never), gain: Number(r.gain) }));
  }

  async pruneSnapshots(keepAllSince: Date): Promise<number> {
    const rows = await this.database.rows<{ n: number }>(sql`
      with doomed as (
        select id from (
          select id, row_number() over (
            partition by paper_id, (captured_at at time zone 'UTC')::date order by captured_at desc, id desc) as rn
          from paper_metrics where captured_at < ${keepAllSince.toISOString()}::timestamptz
        ) ranked where rn > 1
      ), gone as (delete from paper_metrics m using doomed d where m.id = d.id returning 1)
      select count(*)::int as n from gone`);
    return Number(rows[0]?.n ?? 0);
  }
}
