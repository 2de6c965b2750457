/**
 * One delivery process for the exactly-once tests: runs a single reconcile pass against DATABASE_URL at the
 * fixed time NOW, posting through a platform that records each message in the shared table `test_posts`.
 * With CRASH=after-claim it kills itself (SIGKILL) at its first post, after claiming but before posting.
 */
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import {
  type ChannelRef,
  type ChatPlatform,
  channelKey,
  type OutgoingMessage,
  type PostDigestOptions,
} from '../../src/index.js';
import { createLogger } from '../../src/logger.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { RECORDING_TRAITS } from '../fakes/recording-platform.js';
import { testCore } from './services.js';

const url = process.env.DATABASE_URL!;
const log = createLogger('warn');
const database = await createDatabase({ databaseUrl: url, dataDir: 'unused', log });
const worker = process.env.WORKER ?? String(process.pid);

const platform: ChatPlatform = {
  name: 'console',
  traits: RECORDING_TRAITS,
  async start() {},
  async stop() {},
  async postDigest(channel: ChannelRef, message: OutgoingMessage, options: PostDigestOptions) {
    if (process.env.CRASH === 'after-claim') process.kill(process.pid, 'SIGKILL');
    const ids = [...options.alreadyPosted];
    if (ids.length === 0) {
      const titles = message.blocks.flatMap((b) => (b.type === 'paper' ? [b.title] : []));
      const [row] = await database.rows<{ id: number }>(
        (await import('drizzle-orm'))
          .sql`insert into test_posts (channel, worker, titles) values (${channelKey(channel)}, ${worker}, ${JSON.stringify(titles)}::jsonb) returning id`,
      );
      ids.push(`post-${row!.id}`);
      await options.onPosted(ids[0]!);
    }
    return { messageIds: ids };
  },
};

const app = buildApp(database, { config: loadConfig({}), log, clock: new FixedClock(process.env.NOW!) });
const core = testCore(app, [platform], { concurrency: 8 });
const report = await core.delivery.reconcile();
process.stdout.write(`${JSON.stringify(report)}\n`);
await database.close();
