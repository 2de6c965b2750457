import type { CoreConfig } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import { PgPaperRepository } from './db/paper-repository.js';
import { HfClient } from './huggingface/client.js';
import type { Logger } from './logger.js';
import { type Clock, systemClock } from './ports/clock.js';
import type { PaperSource } from './ports/paper-source.js';
import { SearchService } from './search/search-service.js';
import { IngestService } from './services/ingest-service.js';
import { TrendingService } from './services/trending-service.js';

/** The paper side of the core: storage, search, trending and ingest, wired together. */
export interface PaperServices {
  readonly database: Database;
  readonly papers: PgPaperRepository;
  readonly search: SearchService;
  readonly trending: TrendingService;
  readonly ingest: IngestService;
  readonly source: PaperSource;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface OpenOptions {
  readonly config: CoreConfig;
  readonly log: Logger;
  readonly clock?: Clock | undefined;
  /** Replaces the Hugging Face client (tests). */
  readonly source?: PaperSource | undefined;
  /** Use this database instead of opening the configured one (tests). */
  readonly database?: Database | undefined;
}

/** Opens the configured database, applies pending migrations and builds the services. */
export async function openPaperServices(options: OpenOptions): Promise<PaperServices> {
  const { config, log } = options;
  const database =
    options.database ?? (await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log }));
  try {
    await database.migrate();
  } catch (err) {
    await database.close();
    throw err;
  }
  return buildPaperServices(database, options);
}

/** Builds the services on an open, migrated database. */
export function buildPaperServices(database: Database, options: Omit<OpenOptions, 'database'>): PaperServices {
  const clock = options.clock ?? systemClock;
  const source =
    options.source ??
    new HfClient({ baseUrl: options.config.hfApiUrl, timeoutMs: options.config.hfTimeoutMs, log: options.log });
  const papers = new PgPaperRepository(database);
  return {
    database,
    papers,
    search: new SearchService(database),
    trending: new TrendingService(papers, clock),
    ingest: new IngestService({ database, papers, source, clock, log: options.log }),
    source,
    clock,
    log: options.log,
  };
}
