/**
 * The databases every integration suite runs on: embedded PGlite always, and a real Postgres when
 * TEST_DATABASE_URL is set (CI sets it). Each `open()` gives a fresh, migrated, empty database.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { createDatabase, type Database } from '../../src/db/client.js';
import { createLogger, type Logger } from '../../src/logger.js';

export interface TestDriver {
  readonly name: 'pglite' | 'postgres';
  /** A fresh migrated database; `close()` also drops it (Postgres). */
  open(log?: Logger): Promise<TestDatabase>;
}

export interface TestDatabase extends Database {
  /** Postgres URL of this database (Postgres driver only), for child processes. */
  readonly url?: string | undefined;
}

export const silentLog = createLogger('silent');

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL?.trim() || undefined;

let template: Promise<Blob> | undefined;

const MIGRATIONS = fileURLToPath(new URL('../../migrations/', import.meta.url));
/** PGlite's package.json (its exports map hides it from resolve): the folder above its entry's `dist/`. */
const PGLITE_PACKAGE = join(
  dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')),
  '..',
  'package.json',
);

/**
 * Where the template of the current migrations and PGlite version is kept between test files (and runs): building
 * it costs ~3-8 s of CPU, which every file that opens a database paid before. A stale file cannot be picked, since
 * its name is a hash of everything that shapes it, and `open()` still applies pending migrations either way.
 */
export function pgliteTemplatePath(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(PGLITE_PACKAGE));
  for (const dir of [MIGRATIONS, join(MIGRATIONS, 'meta')]) {
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.sql') && !name.endsWith('.json')) continue;
      hash.update(name).update(readFileSync(join(dir, name)));
    }
  }
  return join(tmpdir(), `paperpulse-test-template-${hash.digest('hex').slice(0, 16)}.tar`);
}

/** A migrated, empty PGlite database as a tarball: creating PGlite costs ~2 s, loading a dump ~0.5 s. */
export function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const path = pgliteTemplatePath();
    if (existsSync(path)) return new Blob([readFileSync(path)]);
    const db = await createDatabase({ dataDir: 'memory://', log: silentLog });
    try {
      await db.migrate();
      const dump = await db.dumpDataDir!();
      // Written whole under a temporary name, then renamed: a file running at the same time reads all or nothing.
      const partial = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
      renameSync(partial, path);
      return dump;
    } finally {
      await db.close();
    }
  })();
  return template;
}

const pglite: TestDriver = {
  name: 'pglite',
  async open(log = silentLog) {
    const db = await createDatabase({ dataDir: 'memory://', log, loadDataDir: await pgliteTemplate() });
    // Pending migrations (none, unless the template is stale) still apply: this is the production path.
    await db.migrate();
    return db;
  },
};

const pg: TestDriver = {
  name: 'postgres',
  async open(log = silentLog) {
    const url = await createPostgresDatabase();
    const db = await createDatabase({ databaseUrl: url, dataDir: 'unused', log });
    await db.migrate();
    return {
      ...db,
      url,
      async close() {
        await db.close();
        await dropPostgresDatabase(url);
      },
    };
  },
};

/** PGlite always; Postgres too when TEST_DATABASE_URL is set. */
export const drivers: readonly TestDriver[] = TEST_DATABASE_URL ? [pglite, pg] : [pglite];

/** Creates an empty database on the TEST_DATABASE_URL server and returns its URL. */
export async function createPostgresDatabase(): Promise<string> {
  if (!TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL is not set');
  return recreateDatabase(TEST_DATABASE_URL, `pp_test_${process.pid}_${randomBytes(4).toString('hex')}`);
}

/** The URL of database `name` on the server `serverUrl` points at. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Whether database `name` exists on the server `serverUrl` points at. */
export async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    const found = await admin`select 1 as one from pg_database where datname = ${name}`;
    return found.length > 0;
  } finally {
    await admin.end();
  }
}

/** Drops database `name` if it exists and creates it empty; returns its URL. */
export async function recreateDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(serverUrl, name);
}

export async function dropPostgresDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = postgres(TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  } finally {
    await admin.end();
  }
}

export { PGlite };
