import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { BotError, describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import { emptyOutcome, type IngestOutcome, type IngestService } from './ingest-service.js';

/** Records per store call (one transaction). */
const BATCH = 2_000;
/**
 * Store calls in flight at once. On Postgres two transactions keep both cores of a small server busy while this
 * process parses the next batch; on PGlite (one connection) they simply queue.
 */
const IN_FLIGHT = 2;

/**
 * Imports a file of Daily Papers records: a JSON array in the `/api/daily_papers` shape, or JSON Lines with one
 * such object per line (streamed, for archives too big to hold in memory). A line that is not JSON, or a record
 * that is malformed, is logged and counted as skipped; the rest is stored.
 *
 * @throws BotError IMPORT_MALFORMED when the file cannot be read or a JSON array file is not valid JSON.
 */
export async function importFile(
  path: string,
  ingest: IngestService,
  log: Logger,
  onBatch?: (soFar: IngestOutcome) => void,
): Promise<IngestOutcome> {
  const total = emptyOutcome();
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const store = async (records: unknown[]) => {
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    if (failure) throw failure.error;
    const work: Promise<void> = retryConflicts(() => ingest.importRecords(records, path), log)
      .then((part) => {
        add(total, part);
        onBatch?.(total);
      })
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };
  try {
    const format = await sniffFormat(path);
    if (format === 'json') {
      const records = parseJsonFile(path, await readFile(path, 'utf8'));
      for (let i = 0; i < records.length; i += BATCH) await store(records.slice(i, i + BATCH));
    } else {
      let batch: unknown[] = [];
      let lineNo = 0;
      const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const line of lines) {
        lineNo++;
        if (!line.trim()) continue;
        try {
          batch.push(JSON.parse(line));
        } catch (err) {
          total.fetched++;
          total.skipped++;
          log.warn({ source: path, line: lineNo, reason: describeError(err) }, 'skipped a line that is not JSON');
          continue;
        }
        if (batch.length >= BATCH) {
          await store(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await store(batch);
    }
    await Promise.all(inFlight);
    // A failed batch fails the import (after the batches in flight have finished), reported below.
    if (failure) throw failure.error;
  } catch (err) {
    await Promise.all(inFlight);
    await ingest.recordImport(path, total, describeError(err));
    if (err instanceof BotError) throw err;
    throw new BotError(`cannot import ${path}: ${readProblem(err)}`, 'IMPORT_MALFORMED', { cause: err });
  }
  await ingest.recordImport(path, total);
  return total;
}

/** SQLSTATEs of a transaction the server rolled back because of another one: deadlock, serialization failure. */
const CONFLICTS = new Set(['40P01', '40001']);
const CONFLICT_ATTEMPTS = 3;

/** Runs one batch's transaction again when the server aborted it for a conflict (it was rolled back whole). */
async function retryConflicts<T>(run: () => Promise<T>, log: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      if (attempt >= CONFLICT_ATTEMPTS || typeof code !== 'string' || !CONFLICTS.has(code)) throw err;
      log.warn({ code, attempt }, 'a batch conflicted with another transaction; running it again');
    }
  }
}

function add(total: IngestOutcome, part: IngestOutcome): void {
  total.fetched += part.fetched;
  total.inserted += part.inserted;
  total.updated += part.updated;
  total.unchanged += part.unchanged;
  total.skipped += part.skipped;
}

/** 'json' when the first non-blank character is `[` (an array), else JSON Lines. */
async function sniffFormat(path: string): Promise<'json' | 'jsonl'> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (head.length === 0) throw new BotError(`cannot import ${path}: the file is empty`, 'IMPORT_MALFORMED');
    return head.startsWith('[') ? 'json' : 'jsonl';
  } finally {
    await handle.close();
  }
}

function parseJsonFile(path: string, text: string): unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new BotError(`cannot import ${path}: not valid JSON (${describeError(err)})`, 'IMPORT_MALFORMED');
  }
  if (!Array.isArray(parsed)) {
    throw new BotError(`cannot import ${path}: expected a JSON array of papers`, 'IMPORT_MALFORMED');
  }
  return parsed;
}

function readProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return describeError(err);
}
