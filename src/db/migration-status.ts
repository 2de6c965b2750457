/**
 * Which migrations of migrations/ the database has not applied yet (for /readyz). Drizzle's migrator records each
 * applied migration in drizzle.__drizzle_migrations with its journal `when`, and applies those newer than the
 * newest recorded one: the same rule is used here.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { projectRoot } from '../paths.js';
import type { Database } from './client.js';

interface Journal {
  readonly entries: readonly { readonly when: number; readonly tag: string }[];
}

let journal: Promise<Journal> | undefined;

/** The tags of the migrations not applied yet, oldest first; [] when the database is up to date. */
export async function pendingMigrations(database: Pick<Database, 'rows'>): Promise<string[]> {
  journal ??= readFile(join(projectRoot(), 'migrations', 'meta', '_journal.json'), 'utf8').then(
    (text) => JSON.parse(text) as Journal,
  );
  const { entries } = await journal;
  const [exists] = await database.rows<{ present: boolean }>(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  );
  if (!exists?.present) return entries.map((e) => e.tag);
  const [row] = await database.rows<{ newest: string | number | null }>(
    sql`select max(created_at) as newest from drizzle.__drizzle_migrations`,
  );
  const newest = row?.newest === null || row?.newest === undefined ? -1 : Number(row.newest);
  return entries.filter((e) => e.when > newest).map((e) => e.tag);
}
