import { buildPaperServices, type PaperServices } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { HfClient } from '../../src/huggingface/client.js';
import type { Logger } from '../../src/logger.js';
import type { Clock } from '../../src/ports/clock.js';
import type { TestDatabase } from './databases.js';
import { silentLog } from './databases.js';

/** Paper services on a test database, talking to a (fake) Hugging Face at `hfUrl` with instant retries. */
export function paperServices(
  database: TestDatabase,
  options: { clock: Clock; hfUrl?: string; log?: Logger; pageSize?: number },
): PaperServices {
  const log = options.log ?? silentLog;
  const source = new HfClient({
    baseUrl: options.hfUrl ?? 'http://127.0.0.1:9',
    log,
    sleep: async () => {},
    timeoutMs: 2_000,
    pageSize: options.pageSize,
  });
  return buildPaperServices(database, { config: loadConfig({}), log, clock: options.clock, source });
}
