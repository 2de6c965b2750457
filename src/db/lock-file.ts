import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BotError } from '../errors.js';

/**
 * An exclusive lock on a PGlite data directory: PGlite has none of its own, and two processes opening the same
 * directory corrupt it (electric-sql/pglite issues #323 and #1106). The lock file holds the owner's pid; a lock whose pid is no longer
 * alive is stale and taken over.
 *
 * @returns release(): idempotent; also run on process exit.
 * @throws BotError('DATA_DIR_LOCKED') naming the live owner.
 */
export function acquireDataDirLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'paperpulse.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        rmSync(path, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw new BotError(
          `the database in ${dataDir} is in use by another PaperPulse process (pid ${owner}); stop it first, or set DATABASE_URL to share a Postgres server between processes`,
          'DATA_DIR_LOCKED',
        );
      }
      // Stale lock (the owner died without cleaning up): remove it and try once more.
      rmSync(path, { force: true });
    }
  }
  throw new BotError(`could not lock ${dataDir}: another process keeps taking the lock`, 'DATA_DIR_LOCKED');
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
