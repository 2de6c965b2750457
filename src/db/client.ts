import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { projectRoot } from '../paths.js';
import { acquireDataDirLock } from './lock-file.js';
import * as schema from './schema.js';

/** The Drizzle handle the repositories use; the same type for both drivers. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseKind = 'pglite' | 'postgres';

/** Result of a lock attempt: whether this process got the lock, and fn's value when it did. */
export type LockOutcome<T> = { readonly acquired: true; readonly value: T } | { readonly acquired: false };

/** A raw parametrised query ($1, $2, …) inside `Database.rawTransaction`. Values go as text; cast in SQL. */
export type RawQuery = <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) => Promise<T[]>;

/** A connected database: PGlite in-process, or a postgres.js pool. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  /** Run a raw query and return its rows, whichever driver is underneath. */
  rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]>;
  /**
   * Run `fn` while holding the cluster-wide lock `name`, or return `{ acquired: false }` at once if another
   * process holds it. Postgres: a session advisory lock on a reserved connection. PGlite: in-process, since the
   * data-dir lock already makes this process the only one.
   */
  tryWithLock<T>(name: string, fn: () => Promise<T>): Promise<LockOutcome<T>>;
  /**
   * One raw parametrised statement ($1, $2, …; values as text, cast in SQL), bypassing Drizzle's query builder:
   * for the statements run once per delivery or per imported batch, where building them cost more than running them.
   */
  query: RawQuery;
  /**
   * Runs `fn` in one transaction with raw parametrised SQL, bypassing Drizzle's query builder: for bulk writes,
   * where building a 10,000-parameter statement through Drizzle costs more than the database work.
   */
  rawTransaction<T>(fn: (query: RawQuery) => Promise<T>): Promise<T>;
  /** Apply every pending migration in migrations/; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Close connections and release the data-dir lock. Idempotent. */
  close(): Promise<void>;
  /** PGlite only: the whole database as a tarball, which `loadDataDir` can start from. */
  dumpDataDir?(): Promise<Blob>;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent, PGlite is used. */
  readonly databaseUrl?: string | undefined;
  /** PGlite data directory (the lock file sits here too); `memory://` for a throwaway in-memory database. */
  readonly dataDir: string;
  readonly log: Logger;
  /** postgres.js pool size. */
  readonly maxConnections?: number | undefined;
  /** PGlite only: start from this `dumpDataDir()` tarball (tests use it to skip re-running migrations). */
  readonly loadDataDir?: Blob | undefined;
}

const migrationsFolder = join(projectRoot(), 'migrations');

/** Open the database chosen by the options: postgres.js when `databaseUrl` is set, PGlite otherwise. */
export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

/** Shared buffers of the embedded database (written to its postgresql.conf at each open). */
const PGLITE_SHARED_BUFFERS = '16MB';

async function openPglite(options: DatabaseOptions): Promise<Database> {
  const inMemory = options.dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : acquireDataDirLock(options.dataDir);
  // Loaded only when used: the PGlite module alone adds ~40 MB to a process that runs on Postgres.
  const [{ PGlite }, { pg_trgm }, { unaccent }, { drizzle: drizzlePglite }, { migrate: migratePglite }] =
    await Promise.all([
      import('@electric-sql/pglite'),
      import('@electric-sql/pglite/contrib/pg_trgm'),
      import('@electric-sql/pglite/contrib/unaccent'),
      import('drizzle-orm/pglite'),
      import('drizzle-orm/pglite/migrator'),
    ]);
  let client: PGlite;
  try {
    client = await PGlite.create(inMemory ? 'memory://' : join(options.dataDir, 'pglite'), {
      extensions: { pg_trgm, unaccent },
      // PGlite's default 128 MB of shared buffers is most of a CLI search's memory (310 → 193 MB peak RSS on the
      // sample); the embedded database is for small archives, and the OS caches the data files anyway.
      postgresqlconf: [`shared_buffers=${PGLITE_SHARED_BUFFERS}`],
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
  } catch (err) {
    release();
    throw err;
  }
  // See openPostgres: search bitmaps stay exact.
  await client.exec(`set work_mem = '32MB'`);
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  const held = new Set<string>();
  let closed = false;
  return {
    kind: 'pglite',
    db,
    async rows<T extends Record<string, unknown>>(query: SQL) {
      return rowsOf<T>(await db.execute(query));
    },
    async tryWithLock<T>(name: string, fn: () => Promise<T>): Promise<LockOutcome<T>> {
      if (held.has(name)) return { acquired: false };
      held.add(name);
      try {
        return { acquired: true, value: await fn() };
      } finally {
        held.delete(name);
      }
    },
    query: async <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) =>
      (await client.query<T>(text, [...params])).rows,
    rawTransaction: (fn) =>
      client.transaction((tx) =>
        fn(async <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) => {
          return (await tx.query<T>(text, [...params])).rows;
        }),
      ),
    async migrate() {
      await migratePglite(db as never, { migrationsFolder });
    },
    dumpDataDir: () => client.dumpDataDir('none'),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        release();
      }
    },
  };
}

/** Seconds a new Postgres connection may take to be ready (postgres.js's default is 30). */
const CONNECT_TIMEOUT_S = 10;

/** host:port of a postgres URL, without the user or password. */
function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}`;
  } catch {
    return 'the configured address';
  }
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  // Loaded only when used, as PGlite is: a process on the embedded database never needs the Postgres driver.
  const [{ default: postgres }, { drizzle: drizzlePostgres }, { migrate: migratePostgres }] = await Promise.all([
    import('postgres'),
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
  ]);
  const sql = postgres(url, {
    max: options.maxConnections ?? 10,
    onnotice: () => {},
    connect_timeout: CONNECT_TIMEOUT_S,
    connection: {
      application_name: 'paperpulse',
      // Plan every search with its actual query text, so the planner sees how selective the terms are
      // (a generic plan would guess, and pick a bad plan for very common terms).
      plan_cache_mode: 'force_custom_plan',
      // Search reads bitmaps of many thousand matches; at the default 4MB they turn lossy, and a lossy page is
      // rechecked by decompressing every tsvector on it (1 s instead of 50 ms for 80k matches at 1M papers).
      work_mem: '32MB',
      // A search over a large archive is costed above jit_above_cost, and compiling it took ~25 ms of a 50-100 ms
      // query; none of our statements runs long enough to win that back.
      jit: 'off',
    },
  });
  // One round trip before anything else: a server that accepts the connection but never answers fails here, once,
  // with a message naming the variable, instead of after a connect timeout per pooled connection.
  try {
    await sql`select 1`;
  } catch (err) {
    await sql.end({ timeout: 0 }).catch(() => {});
    const code = (err as { code?: string }).code;
    const where = describeServer(url);
    throw new BotError(
      code === 'CONNECT_TIMEOUT'
        ? `DATABASE_URL: the database at ${where} did not answer within ${CONNECT_TIMEOUT_S} s`
        : `DATABASE_URL: cannot connect to the database at ${where}: ${err instanceof Error ? err.message : String(err)}`,
      'CONFIG_INVALID',
      { cause: err },
    );
  }
  const db = drizzlePostgres(sql, { schema }) as unknown as Db;
  let closed = false;
  const withAdvisoryLock = async <T>(name: string, wait: boolean, fn: () => Promise<T>): Promise<LockOutcome<T>> => {
    const key = lockKey(name);
    const conn = await sql.reserve();
    try {
      if (wait) {
        await conn`select pg_advisory_lock(${key}::bigint)`;
      } else {
        const [row] = await conn<{ ok: boolean }[]>`select pg_try_advisory_lock(${key}::bigint) as ok`;
        if (!row?.ok) return { acquired: false };
      }
      try {
        return { acquired: true, value: await fn() };
      } finally {
        await conn`select pg_advisory_unlock(${key}::bigint)`;
      }
    } finally {
      conn.release();
    }
  };
  return {
    kind: 'postgres',
    db,
    async rows<T extends Record<string, unknown>>(query: SQL) {
      return rowsOf<T>(await db.execute(query));
    },
    tryWithLock: (name, fn) => withAdvisoryLock(name, false, fn),
    query: async <T extends Record<string, unknown>>(text: string, params: readonly unknown[]) => [
      ...(await sql.unsafe<T[]>(text, params as never[])),
    ],
    rawTransaction: <T>(fn: (query: RawQuery) => Promise<T>) =>
      sql.begin((tx) =>
        fn(async <R extends Record<string, unknown>>(text: string, params: readonly unknown[]) => {
          return [...(await tx.unsafe<R[]>(text, params as never[]))];
        }),
      ) as Promise<T>,
    async migrate() {
      // drizzle's migrator takes no lock of its own: two processes starting together would both apply.
      await withAdvisoryLock('migrate', true, () => migratePostgres(db as never, { migrationsFolder }));
    },
    async close() {
      if (closed) return;
      closed = true;
      await sql.end({ timeout: 5 });
    },
  };
}

/** A stable 63-bit advisory-lock key for a name (FNV-1a), the same in every process and version. */
export function lockKey(name: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(`paperpulse:${name}`)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return (hash & 0x7fffffffffffffffn).toString();
}

/** The rows of a `db.execute()` result: postgres.js returns an array of rows, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? [...(result as T[])] : (result as { rows: T[] }).rows;
}
