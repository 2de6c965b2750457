/**
 * Start-up steps of the bot, named so the composition root reads as a list of them.
 */
import { join } from 'node:path';
import type { CoreServices } from './commands/definition.js';
import { addDays, formatDay, latestClosedDay } from './domain/days.js';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';
import { projectRoot } from './paths.js';
import { SourceUnreachable } from './ports/paper-source.js';
import { importFile } from './services/import-file.js';

/** The bundled sample corpus, loaded on a first start without Hugging Face. */
export const SAMPLE_FILE = join(projectRoot(), 'data', 'sample', 'seed-papers.daily_papers.json');

/** Days fetched on a first start with an empty database. */
export const BOOTSTRAP_DAYS = 7;

/**
 * First start with an empty archive: the last days from Hugging Face, else the bundled sample, and one line for the
 * person running the bot saying what was loaded and how to see a digest. Nothing happens when the archive has papers.
 */
export async function ensureArchive(
  services: Pick<CoreServices, 'papers' | 'ingest' | 'clock'>,
  log: Logger,
  notify: (line: string) => void,
): Promise<void> {
  const { papers, ingest, clock } = services;
  if ((await papers.countPapers()) > 0) return;
  const newest = latestClosedDay(clock.now());
  try {
    // The newest day first: if Hugging Face cannot be reached, that is known after one request.
    await ingest.ingestDate(newest);
    const rest = await ingest.ingestRange(addDays(newest, -(BOOTSTRAP_DAYS - 1)), addDays(newest, -1), {
      resume: true,
    });
    const count = await papers.countPapers();
    notify(
      `First start: fetched the last ${BOOTSTRAP_DAYS} days of Daily Papers from Hugging Face (${count} papers${rest.failedDays.length ? `; ${rest.failedDays.length} day(s) failed and will be retried by the schedule` : ''}).`,
    );
  } catch (err) {
    const outcome = await importFile(SAMPLE_FILE, ingest, log);
    const [from, to] = await Promise.all([papers.earliestListDate(), papers.latestListDate()]);
    const span = from && to ? `, lists of ${formatDay(from)} to ${formatDay(to)}` : '';
    notify(
      `Could not reach Hugging Face (${err instanceof SourceUnreachable ? `${err.problem} at ${err.url}` : describeError(err)}), so the bundled sample was loaded instead: ${outcome.inserted} papers${span} (real titles and abstracts; synthetic ids, authors and upvotes).${to ? ` See a digest with: /papers digest preview ${to}` : ''}`,
    );
  }
}
