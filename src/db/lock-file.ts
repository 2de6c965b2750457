import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BotError } from '../errors.js';

/** A takeover guard older than this belongs to a process that died while taking over: it is removed. */
const GUARD_STALE_MS = 10_000;

/**
 * An exclusive lock on a PGlite data directory: PGlite has none of its own, and two processes opening the same
 * directory corrupt it (electric-sql/pglite issues #323 and #1106). The lock file holds the owner's pid; a lock whose
 * pid is no longer alive is stale and taken over.
 *
 * Atomic: the lock file is created with its pid already in it (written to a private file, then hard-linked into
 * place, which fails when the lock exists), so nobody ever reads an empty lock; a stale lock is taken over only under
 * a second, equally atomic takeover guard, after checking again that it is still the same stale lock, so two
 * processes finding the same stale lock cannot both end up holding it. Release removes the lock only if it is ours.
 *
 * @returns release(): idempotent; also run on process exit.
 * @throws BotError('DATA_DIR_LOCKED') naming the live owner.
 */
export function acquireDataDirLock(dataDir: string, options: { pid?: number } = {}): () => void {
  const pid = options.pid ?? process.pid;
  makeDataDir(dataDir);
  const path = join(dataDir, 'paperpulse.lock');
  const guard = `${path}.takeover`;
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createWithPid(path, pid)) return releaser(path, pid);
    const owner = readOwner(path);
    if (owner !== undefined && owner !== pid && isAlive(owner)) {
      throw new BotError(
        `the database in ${dataDir} is in use by another PaperPulse process (pid ${owner}); stop it first, or set DATABASE_URL to share a Postgres server between processes`,
        'DATA_DIR_LOCKED',
      );
    }
    // Stale (its owner died without cleaning up): take it over, one process at a time.
    if (!createWithPid(guard, pid)) {
      if (ageMs(guard) > GUARD_STALE_MS) rmSync(guard, { force: true });
      sleepSync(10);
      continue;
    }
    try {
      if (readOwner(path) === owner) rmSync(path, { force: true });
      if (createWithPid(path, pid)) return releaser(path, pid);
    } finally {
      rmSync(guard, { force: true });
    }
  }
  throw new BotError(`could not lock ${dataDir}: another process keeps taking the lock`, 'DATA_DIR_LOCKED');
}

/**
 * Creates the data directory and its missing parents one level at a time. Not `mkdirSync(…, { recursive: true })`:
 * on a path under a pseudo-filesystem such as /proc, Node's recursive mkdir loops forever instead of failing.
 * @throws BotError('CONFIG_INVALID') naming PAPERPULSE_DATA_DIR and the reason.
 */
function makeDataDir(dataDir: string): void {
  const missing: string[] = [];
  for (let dir = resolve(dataDir); ; dir = dirname(dir)) {
    if (existsSync(dir)) break;
    missing.unshift(dir);
    if (dirname(dir) === dir) break;
  }
  try {
    for (const dir of missing) mkdirSync(dir);
    if (!statSync(resolve(dataDir)).isDirectory())
      throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new BotError(
      `PAPERPULSE_DATA_DIR: cannot create the data directory ${dataDir} (${code}); choose a writable directory`,
      'CONFIG_INVALID',
      { cause: err },
    );
  }
}

/** Creates `path` holding `pid`, atomically; false when it exists. */
function createWithPid(path: string, pid: number): boolean {
  const tmp = `${path}.${pid}.${Math.random().toString(36).slice(2)}`;
  const fd = openSync(tmp, 'wx');
  try {
    writeSync(fd, String(pid));
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    rmSync(tmp, { force: true });
  }
}

function releaser(path: string, pid: number): () => void {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: one taken over after we were presumed dead belongs to someone else now.
    if (readOwner(path) === pid) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return release;
}

/** The pid in a lock file; undefined when it is gone or unreadable. */
function readOwner(path: string): number | undefined {
  try {
    const owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(owner) && owner > 0 ? owner : undefined;
  } catch {
    return undefined;
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
