import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { FixedClock } from '../fakes/fixed-clock.js';
import { RecordingPlatform } from '../fakes/recording-platform.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { listsOn } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { testApp, testCore, typed } from '../support/services.js';

/**
 * One bad channel row (a stored time zone, time, topic or message the schedule or the composition cannot use)
 * costs only that channel: 21 channels are due at once, 1 is bad; the 20 others post, the bad one is logged once
 * with the reason (not on every tick) and its /papers status says what is wrong.
 */
const HEALTHY = 20;
const channel = (id: string) => ({ platform: 'console' as const, address: id });

const poisons: {
  name: string;
  reason: RegExp;
  spoil: (db: TestDatabase, pk: number, period: string) => Promise<unknown>;
}[] = [
  {
    name: 'a time zone Mars/Olympus',
    reason: /time zone "Mars\/Olympus" is not a known IANA time zone/,
    spoil: (db, pk) => db.rows(sql`update channels set timezone = 'Mars/Olympus' where id = ${pk}`),
  },
  {
    name: 'a posting time 25:99',
    reason: /posting time "25:99" is not a 24-hour time/,
    spoil: (db, pk) => db.rows(sql`update channels set post_time = '25:99' where id = ${pk}`),
  },
  {
    name: 'a days setting "fortnightly"',
    reason: /days setting "fortnightly" is neither weekdays nor daily/,
    spoil: (db, pk) => db.rows(sql`update channels set days = 'fortnightly' where id = ${pk}`),
  },
  {
    name: 'a stored message that is not a message',
    reason: /stored digest message cannot be posted: block 1 has the unknown type "table"/,
    // An interrupted delivery due for a retry, whose stored message was written by something else.
    spoil: (db, pk, period) =>
      db.rows(sql`insert into deliveries (channel_pk, kind, period, slot_at, status, attempts, next_attempt_at, message)
        values (${pk}, 'daily', ${period}, '2026-11-16T09:00:00Z', 'retry', 1, '2026-11-16T09:00:00Z',
          ${JSON.stringify({ text: 'x', blocks: [{ type: 'table', rows: [] }] })}::jsonb)`),
  },
];

describe.each(drivers)('a poison channel row on $name', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it.each(poisons)(
    '$name: the 20 healthy channels post, the bad one is logged once and shown in its status',
    async ({ reason, spoil }) => {
      database = await driver.open();
      const clock = new FixedClock('2026-11-15T12:00:00Z');
      const logs = captureLogs();
      const paper = testApp(database, { clock, log: logs.log });
      await paper.services.ingest.importRecords(listsOn(['2026-11-13']), 'test');
      const platform = new RecordingPlatform('console');
      const core = testCore(paper, [platform], { concurrency: 4, claimSlice: 8 });
      for (let i = 0; i < HEALTHY; i++)
        await core.services.channels.update(channel(`ok${i}`), { digestEnabled: true }, clock.now());
      const bad = await core.services.channels.update(channel('bad'), { digestEnabled: true }, clock.now());
      await spoil(database, bad.pk!, '2026-11-13');

      clock.set('2026-11-16T09:00:20Z');
      const report = await core.delivery.reconcile();
      expect(report.sent).toBe(HEALTHY);
      const posted = new Set(platform.posts.map((p) => p.channel));
      expect(posted.size).toBe(HEALTHY);
      expect(posted.has('console:bad')).toBe(false);

      // The next ticks change nothing and log nothing more about it.
      clock.advance(60_000);
      await core.delivery.reconcile();
      clock.advance(60_000);
      await core.delivery.reconcile();
      expect(platform.posts).toHaveLength(HEALTHY);
      const warnings = logs.entries.filter((e) => e.channel === 'console:bad' && e.problem !== undefined);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]!.problem)).toMatch(reason);
      expect(String(warnings[0]!.problem).length).toBeLessThan(600);

      const status = await core.dispatcher.dispatch(typed(channel('bad'), 'status', { manager: false }));
      expect(status.message.text).toMatch(/The digest is not posted here/);
      expect(status.message.text).toMatch(reason);
      const healthy = await core.dispatcher.dispatch(typed(channel('ok0'), 'status', { manager: false }));
      expect(healthy.message.text).not.toMatch(/not posted here/);
    },
  );

  it('a problem is cleared once the setting is set again by a command, and the channel posts', async () => {
    database = await driver.open();
    const clock = new FixedClock('2026-11-15T12:00:00Z');
    const paper = testApp(database, { clock });
    await paper.services.ingest.importRecords(listsOn(['2026-11-13']), 'test');
    const platform = new RecordingPlatform('console');
    const core = testCore(paper, [platform]);
    const bad = await core.services.channels.update(channel('bad'), { digestEnabled: true }, clock.now());
    await database.rows(sql`update channels set timezone = 'Mars/Olympus' where id = ${bad.pk!}`);
    clock.set('2026-11-16T09:00:20Z');
    await core.delivery.reconcile();
    expect(platform.posts).toHaveLength(0);
    await core.dispatcher.dispatch(typed(channel('bad'), 'digest timezone UTC'));
    const status = await core.dispatcher.dispatch(typed(channel('bad'), 'status', { manager: false }));
    expect(status.message.text).not.toMatch(/not posted here/);
    clock.advance(60_000);
    await core.delivery.reconcile();
    expect(platform.posts.map((p) => p.channel)).toEqual(['console:bad']);
  });
});
