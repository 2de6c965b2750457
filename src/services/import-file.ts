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
/** Problems shown one by one before the rest are counted. */
const SHOWN_PROBLEMS = 3;

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
  let nonBlank = 0;
  const notJson = { count: 0, first: [] as { line: number; reason: string }[] };
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const store = async (records: unknown[]) => {
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    if (failure) throw failure.error;
    const work: Promise<void> = retryConflicts(() => ingest.importRecords(records, path, { bulk: true }), log)
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
        nonBlank++;
        try {
          batch.push(JSON.parse(line));
        } catch (err) {
          total.fetched++;
          total.skipped++;
          notJson.count++;
          if (notJson.first.length < SHOWN_PROBLEMS) notJson.first.push({ line: lineNo, reason: describeError(err) });
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
    const stored = total.inserted + total.updated + total.unchanged;
    if (stored === 0 && notJson.count > 0 && notJson.count === nonBlank) {
      // Not a papers file at all (a README, a CSV): one line, not a warning per line.
      const first = notJson.first[0]!;
      throw new BotError(
        `${path}: 0 of ${nonBlank} lines are daily_papers records; first problem on line ${first.line}: not JSON (${first.reason})`,
        'IMPORT_MALFORMED',
      );
    }
    // Lines that are not JSON: the first few, then how many more.
    for (const p of notJson.first)
      log.warn({ source: path, line: p.line, reason: p.reason }, 'skipped a line that is not JSON');
    if (notJson.count > notJson.first.length) {
      log.warn(
        { source: path, more: notJson.count - notJson.first.length },
        `skipped ${notJson.count - notJson.first.length} more lines that are not JSON`,
      );
    }
    if (stored === 0 && total.fetched > 0) {
      throw new BotError(
        `${path}: none of its ${total.fetched} records is a valid daily_papers record (see the warnings above)`,
        'IMPORT_MALFORMED',
      );
    }
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
