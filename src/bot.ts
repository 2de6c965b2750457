import { join } from 'node:path';
import { openPaperServices, type PaperServices } from './app.js';
import type { CoreConfig } from './config.js';
import { type Core, createCore } from './core.js';
import type { Database } from './db/client.js';
import { addDays, latestClosedDay } from './domain/days.js';
import { describeError } from './errors.js';
import type { Logger } from './logger.js';
import { projectRoot } from './paths.js';
import type { ChatPlatform } from './ports/chat-platform.js';
import type { Clock } from './ports/clock.js';
import type { PaperSource } from './ports/paper-source.js';
import { type Scheduler, startScheduler } from './scheduler/scheduler.js';
import type { DeliveryOptions } from './services/delivery-service.js';
import { importFile } from './services/import-file.js';

/** The bundled sample corpus, loaded on a first start without Hugging Face. */
export const SAMPLE_FILE = join(projectRoot(), 'data', 'sample', 'seed-papers.daily_papers.json');

/** Days fetched on a first start with an empty database. */
export const BOOTSTRAP_DAYS = 7;

export interface BotOptions {
  readonly config: CoreConfig;
  readonly log: Logger;
  /** The platforms to run, created once the database is open (Slack keeps its installations there). */
  readonly platforms: (database: Database) => readonly ChatPlatform[] | Promise<readonly ChatPlatform[]>;
  /** One line for the person running the bot (the console prints it; otherwise it is logged). */
  readonly notify: (line: string) => void;
  readonly clock?: Clock | undefined;
  readonly source?: PaperSource | undefined;
  readonly database?: Database | undefined;
  readonly deliveryOptions?: Partial<DeliveryOptions> | undefined;
  /** Run the cron scheduler (digests and ingest). Off only for tests that drive reconcile themselves. */
  readonly schedule?: boolean | undefined;
}

export interface RunningBot {
  readonly core: Core;
  /** Resolves when a platform has finished on its own (the console at end of scripted input). */
  readonly finished: Promise<void>;
  /** Stops the scheduler (waiting for work in progress), the platforms and the database. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts PaperPulse: opens and migrates the database, fills an empty one (the last 7 days from Hugging Face, or
 * the bundled sample when Hugging Face cannot be reached), starts the platforms and the scheduler.
 */
export async function runBot(options: BotOptions): Promise<RunningBot> {
  const { log } = options;
  const paper = await openPaperServices(options);
  let scheduler: Scheduler | undefined;
  const started: ChatPlatform[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await scheduler?.stop();
      for (const platform of started) {
        await platform
          .stop()
          .catch((err: unknown) => log.warn({ err, platform: platform.name }, 'platform stop failed'));
      }
      await paper.database.close();
    })();
    return stopping;
  };
  try {
    const platforms = await options.platforms(paper.database);
    await bootstrap(paper, options.notify);
    const core = createCore(paper, platforms, options.deliveryOptions);
    for (const platform of platforms) {
      await platform.start(core.dispatcher);
      started.push(platform);
      log.info({ platform: platform.name }, 'platform started');
    }
    if (options.schedule !== false) {
      scheduler = startScheduler({
        delivery: core.delivery,
        ingest: paper.ingest,
        continuations: core.services.continuations,
        database: paper.database,
        clock: paper.clock,
        log: log.child({ component: 'scheduler' }),
        ingestCron: options.config.ingestCron,
      });
    }
    const endings = platforms.flatMap((p) => (p.finished ? [p.finished] : []));
    const finished = endings.length > 0 ? Promise.race(endings) : new Promise<void>(() => {});
    return { core, finished, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Fills an empty archive: the last days from Hugging Face, else the bundled sample. */
async function bootstrap(paper: PaperServices, notify: (line: string) => void): Promise<void> {
  if ((await paper.papers.countPapers()) > 0) return;
  const newest = latestClosedDay(paper.clock.now());
  try {
    // The newest day first: if Hugging Face cannot be reached, that is known after one request.
    await paper.ingest.ingestDate(newest);
    const rest = await paper.ingest.ingestRange(addDays(newest, -(BOOTSTRAP_DAYS - 1)), addDays(newest, -1), {
      resume: true,
    });
    const count = await paper.papers.countPapers();
    notify(
      `First start: fetched the last ${BOOTSTRAP_DAYS} days of Daily Papers from Hugging Face (${count} papers${rest.failedDays.length ? `; ${rest.failedDays.length} day(s) failed and will be retried by the schedule` : ''}).`,
    );
  } catch (err) {
    const outcome = await importFile(SAMPLE_FILE, paper.ingest, paper.log);
    notify(
      `Could not reach Hugging Face (${describeError(err)}); loaded the bundled sample instead (${outcome.inserted} papers, 2–13 Nov 2026).`,
    );
  }
}
