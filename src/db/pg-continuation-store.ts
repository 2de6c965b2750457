import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import { type ChannelRef, channelKey } from '../domain/channel.js';
import type { ContinuationStore } from '../ports/stores.js';
import type { Database } from './client.js';
import { continuations } from './schema.js';

/** The state behind buttons, in the database so any process can answer the press. */
export class PgContinuationStore implements ContinuationStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async create(channel: ChannelRef, payload: unknown, expiresAt: Date): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    await this.database.db
      .insert(continuations)
      .values({ id, channelKey: channelKey(channel), payload: wellFormed(payload), expiresAt });
    return id;
  }

  async find(id: string, channel: ChannelRef, now: Date): Promise<unknown | undefined> {
    const [row] = await this.database.db
      .select({ payload: continuations.payload })
      .from(continuations)
      .where(
        and(
          eq(continuations.id, id),
          eq(continuations.channelKey, channelKey(channel)),
          gt(continuations.expiresAt, now),
        ),
      );
    return row?.payload;
  }

  async purge(now: Date): Promise<number> {
    const rows = await this.database.db
      .delete(continuations)
      .where(lt(continuations.expiresAt, now))
      .returning({ id: continuations.id });
    return rows.length;
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * The payload with every lone UTF-16 surrogate replaced by U+FFFD: jsonb refuses one ("Unicode low surrogate must
 * follow a high surrogate"), and a search typed by any path (MCP, a future command) must not fail on it.
 */
function wellFormed(payload: unknown): unknown {
  return JSON.parse(JSON.stringify(payload ?? null), (_key, value) =>
    typeof value === 'string' ? value.replace(LONE_SURROGATE, '\uFFFD') : value,
  );
}
