import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_FAILURE } from '../../src/commands/dispatcher.js';
import { PgIngestRunStore } from '../../src/db/pg-ingest-runs.js';
import type { CommandInput } from '../../src/index.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { type TestCore, testApp, testCore } from '../support/services.js';

describe.each(drivers)('awkward command input on $name', (driver) => {
  let database: TestDatabase;
  let core: TestCore;
  const logs = captureLogs();

  beforeAll(async () => {
    database = await driver.open();
    const app = testApp(database, { clock: new FixedClock('2026-11-16T12:00:00Z'), log: logs.log });
    await app.services.ingest.importRecords(sample(), 'sample');
    core = testCore(app, []);
  });
  afterAll(() => database.close());

  const failures = () => logs.entries.filter((e) => e.msg === 'command failed');
  const run = (input: CommandInput, platform: 'slack' | 'discord' | 'console' = 'slack') =>
    core.dispatcher.dispatch({
      input,
      user: { id: 'u1', displayName: 'u1' },
      channel: { platform, address: 'C1' },
      isManager: async () => true,
    });

  it.each([
    ['a typed line', { kind: 'line', text: 'search model \ud800' } as CommandInput],
    ['a typed option', { kind: 'options', command: 'search', values: { query: 'model \udc00' } } as CommandInput],
  ])('a lone UTF-16 surrogate in a search (%s) gets a specific message, not the generic failure', async (_, input) => {
    const before = failures().length;
    const result = await run(input);
    expect(result.message.text).not.toContain(GENERIC_FAILURE);
    expect(failures().slice(before)).toEqual([]);
  });

  it('the "More" state of a search keeps a lone surrogate as U+FFFD instead of failing to store', async () => {
    const channel = { platform: 'slack' as const, address: 'C1' };
    const id = await core.services.continuations.create(
      channel,
      { query: 'model \ud800 x \udc00' },
      new Date('2099-01-01T00:00:00Z'),
    );
    expect(await core.services.continuations.find(id, channel, new Date('2026-11-16T12:00:00Z'))).toEqual({
      query: 'model \ufffd x \ufffd',
    });
  });

  it('a run left `running` by a killed process is marked interrupted by the next run, a recent one is left alone', async () => {
    const runs = new PgIngestRunStore(database);
    const now = new Date('2026-11-16T12:00:00Z');
    const killed = await runs.start('2026-11-10', 'killed-backfill', new Date(now.getTime() - 2 * 3_600_000));
    const alive = await runs.start('2026-11-11', 'other-process', new Date(now.getTime() - 60_000));
    const next = await runs.start('2026-11-12', 'next-run', now);
    const status = async (id: number) =>
      (await database.rows<{ status: string }>(sql`select status from ingest_runs where id = ${id}`))[0]?.status;
    expect(await status(killed)).toBe('interrupted');
    expect(await status(alive)).toBe('running');
    expect(await status(next)).toBe('running');
  });

  it.each(['week 9999-12-31', 'day 9999-12-31', 'month 9999-12', 'week 9999-W52', 'day 0000-01-01'])(
    '/papers trending %s gets a specific message',
    async (args) => {
      const before = failures().length;
      const result = await run({ kind: 'line', text: `trending ${args}` });
      expect(result.ok).toBe(false);
      expect(result.message.text).toMatch(/in the future|before any Daily Papers list/);
      expect(failures().slice(before)).toEqual([]);
    },
  );
});
