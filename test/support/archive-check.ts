/**
 * Checks what an ingest stored against the lists a fake Hugging Face served, reading the fixture's records
 * directly (not through the ingest's own parsing): every paper of every list stored exactly once, on its date,
 * at its place in the list, with its title, abstract, authors and upvotes; nothing else on those dates.
 */
import { type SQL, sql } from 'drizzle-orm';

interface Queryable {
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
}

export interface ArchiveCheck {
  /** Papers (one per list entry) the fixture has. */
  readonly expected: number;
  /** List entries found for the fixture's dates. */
  readonly stored: number;
  /** `date id` of fixture entries not stored. */
  readonly missing: string[];
  /** `date id` of entries stored on the fixture's dates that the fixture does not have. */
  readonly extra: string[];
  /** `date id: field` where the stored paper or entry differs from the record. */
  readonly wrong: string[];
}

interface FixturePaper {
  id: string;
  title: string;
  summary: string;
  upvotes: number;
  authors: ({ name: string } | string)[];
}

/** Whitespace is not compared: Hugging Face titles and abstracts carry hard line wraps that storage may collapse. */
const squeeze = (text: string) => text.replace(/\s+/g, '');

export async function checkArchive(
  database: Queryable,
  lists: ReadonlyMap<string, readonly Record<string, unknown>[]>,
): Promise<ArchiveCheck> {
  const dates = [...lists.keys()];
  const missing: string[] = [];
  const extra: string[] = [];
  const wrong: string[] = [];
  let expected = 0;
  const entries = await database.rows<{ list_date: string; paper_id: string; rank: number }>(
    sql`select list_date::text as list_date, paper_id, rank from daily_entries
        where list_date::text in (${sql.join(
          dates.map((d) => sql`${d}`),
          sql`, `,
        )})`,
  );
  const ids = [...new Set(entries.map((e) => e.paper_id))];
  const papers = ids.length
    ? await database.rows<{ id: string; title: string; abstract: string; upvotes: number; authors: string[] }>(
        sql`select id, title, abstract, upvotes, authors from papers where id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`,
      )
    : [];
  const byId = new Map(papers.map((p) => [p.id, p]));
  const stored = new Map(entries.map((e) => [`${e.list_date} ${e.paper_id}`, e]));
  const wanted = new Set<string>();
  for (const [date, list] of lists) {
    list.forEach((item, index) => {
      expected++;
      const record = item.paper as FixturePaper;
      const key = `${date} ${record.id}`;
      wanted.add(key);
      const entry = stored.get(key);
      const paper = byId.get(record.id);
      if (!entry || !paper) {
        missing.push(key);
        return;
      }
      if (entry.rank !== index + 1) wrong.push(`${key}: rank ${entry.rank}, listed ${index + 1}`);
      if (squeeze(paper.title) !== squeeze(record.title)) wrong.push(`${key}: title`);
      if (squeeze(paper.abstract) !== squeeze(record.summary)) wrong.push(`${key}: abstract`);
      if (paper.upvotes !== record.upvotes) wrong.push(`${key}: upvotes ${paper.upvotes}, listed ${record.upvotes}`);
      const names = record.authors.map((a) => squeeze(typeof a === 'string' ? a : a.name));
      if (JSON.stringify(paper.authors.map(squeeze)) !== JSON.stringify(names)) wrong.push(`${key}: authors`);
    });
  }
  for (const key of stored.keys()) if (!wanted.has(key)) extra.push(key);
  return { expected, stored: entries.length, missing, extra, wrong };
}

/** True when the archive holds exactly the fixture. */
export const archiveComplete = (check: ArchiveCheck) =>
  check.missing.length === 0 && check.extra.length === 0 && check.wrong.length === 0;
