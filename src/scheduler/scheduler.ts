import cron from 'node-cron';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { ContinuationStore, Locks } from '../ports/stores.js';
import type { DeliveryService } from '../services/delivery-service.js';
import type { IngestService } from '../services/ingest-service.js';
import type { RisingService } from '../services/rising-service.js';

/** The rising refresh (current and previous ISO week): every 3 hours, off the ingest's half hours. */
export const RISING_REFRESH_CRON = '23 */3 * * *';
/** Snapshot retention: once a day. */
export const SNAPSHOT_RETENTION_CRON = '41 4 * * *';

export interface SchedulerDeps {
  readonly delivery: DeliveryService;
  readonly ingest: IngestService;
  readonly continuations: ContinuationStore;
  readonly locks: Locks;
  readonly clock: Clock;
  readonly log: Logger;
  /** When the open and latest closed lists are refreshed. */
  readonly ingestCron: string;
  /** Rising: the week refresh and the snapshot retention (issue 13). */
  readonly rising?: RisingService | undefined;
}

export interface Scheduler {
  /** Stops the cron tasks and waits for work in progress. */
  stop(): Promise<void>;
}

/**
 * node-cron only *triggers* work that is reconciled from the database, so a missed tick, a restart or a second
 * process never loses or doubles a post:
 * - every minute, and once now: post the digests that are due and not yet delivered (DeliveryService);
 * - on INGEST_CRON: refresh Hugging Face lists, in one process at a time (a Postgres advisory lock);
 * - hourly: forget expired "More" buttons.
 */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  };
  const reconcile = () => track(deps.delivery.reconcile());
  let ingestTask: ReturnType<typeof cron.schedule> | undefined;
  const ingest = () =>
    track(
      deps.locks
        .tryWithLock('ingest', () => deps.ingest.refresh({ nextRun: () => ingestTask?.getNextRun() }))
        .then((outcome) => {
          if (!outcome.acquired) deps.log.debug('another process is ingesting; skipped');
        })
        .catch((err: unknown) => deps.log.error({ err }, 'scheduled ingest failed')),
    );
  const purge = () =>
    track(
      deps.continuations
        .purge(deps.clock.now())
        .catch((err: unknown) => deps.log.warn({ err }, 'could not purge expired buttons')),
    );

  const ingestTaskCreated = cron.schedule(deps.ingestCron, ingest, {
    name: 'ingest',
    noOverlap: true,
    timezone: 'UTC',
  });
  ingestTask = ingestTaskCreated;
  const risingWork = (name: string, work: (rising: RisingService) => Promise<unknown>) => () => {
    const rising = deps.rising;
    if (!rising) return;
    track(
      deps.locks
        .tryWithLock('ingest', () => work(rising))
        .then((outcome) => {
          if (!outcome.acquired) deps.log.debug({ job: name }, 'another process is ingesting; skipped');
        })
        .catch((err: unknown) => deps.log.error({ err, job: name }, 'scheduled job failed')),
    );
  };

  const tasks = [
    cron.schedule('* * * * *', reconcile, { name: 'digest-reconcile', noOverlap: true }),
    ingestTaskCreated,
    cron.schedule('17 * * * *', purge, { name: 'purge-buttons', noOverlap: true }),
    ...(deps.rising
      ? [
          cron.schedule(
            RISING_REFRESH_CRON,
            risingWork('rising-refresh', (r) => r.refreshWeeks()),
            { name: 'rising-refresh', noOverlap: true, timezone: 'UTC' },
          ),
          cron.schedule(
            SNAPSHOT_RETENTION_CRON,
            risingWork('snapshot-retention', (r) => r.pruneSnapshots()),
            { name: 'snapshot-retention', noOverlap: true, timezone: 'UTC' },
          ),
        ]
      : []),
  ];
  reconcile();
  return {
    async stop() {
      for (const task of tasks) await task.stop();
      await Promise.allSettled([...inFlight]);
    },
  };
}
