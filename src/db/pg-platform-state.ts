import { and, asc, eq, like, sql } from 'drizzle-orm';
import type { PlatformName } from '../domain/channel.js';
import type { PlatformState, PlatformStateStore } from '../ports/stores.js';
import type { Database } from './client.js';
import { platformState } from './schema.js';

/** Each platform's key-value state in one table (`platform_state`). */
export class PgPlatformStateStore implements PlatformStateStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  scope(platform: PlatformName): PlatformState {
    const { db } = this.database;
    const where = (key: string) => and(eq(platformState.platform, platform), eq(platformState.key, key));
    return {
      async get<T>(key: string): Promise<T | undefined> {
        const [row] = await db.select({ value: platformState.value }).from(platformState).where(where(key));
        return row ? (row.value as T) : undefined;
      },
      async put(key: string, value: unknown): Promise<void> {
        await db
          .insert(platformState)
          .values({ platform, key, value, updatedAt: new Date() })
          .onConflictDoUpdate({
            target: [platformState.platform, platformState.key],
            set: { value, updatedAt: sql`now()` },
          });
      },
      async delete(key: string): Promise<boolean> {
        const rows = await db.delete(platformState).where(where(key)).returning({ key: platformState.key });
        return rows.length > 0;
      },
      async list<T>(prefix: string): Promise<{ key: string; value: T }[]> {
        const rows = await db
          .select({ key: platformState.key, value: platformState.value })
          .from(platformState)
          .where(and(eq(platformState.platform, platform), like(platformState.key, `${escapeLike(prefix)}%`)))
          .orderBy(asc(platformState.key));
        return rows.map((r) => ({ key: r.key, value: r.value as T }));
      },
    };
  }
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
