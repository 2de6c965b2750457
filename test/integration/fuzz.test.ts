import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_FAILURE } from '../../src/commands/dispatcher.js';
import type { CommandInput, OptionValue } from '../../src/index.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { prng } from '../support/prng.js';
import { replyFitsEveryPlatform, replyRefusedByPlatforms } from '../support/reply-limits.js';
import { type TestCore, testApp, testCore } from '../support/services.js';

const COMMANDS = ['help', 'trending', 'search', 'paper', 'topics', 'subscribe', 'unsubscribe', 'digest', 'status'];
const WORDS = [
  'on',
  'off',
  'time',
  '09:00',
  '25:99',
  'timezone',
  'Europe/Paris',
  'asia/tokyo',
  'Mars/Olympus',
  'days',
  'weekdays',
  'daily',
  'size',
  'min-upvotes',
  'mode',
  'all',
  'topics',
  'weekly',
  'thread',
  'preview',
  'public',
  'day',
  'week',
  'month',
  '2026-W46',
  '2026-W99',
  '2026-11-13',
  '2026-02-30',
  '2026-11',
  '5',
  '0',
  '-3',
  '25',
  '26',
  '99999999999',
  '1e3',
  'NaN',
  'since:2026-01-01',
  'since:2026-13-45',
  'min-upvotes:10',
  'min-upvotes:-1',
  'has:code',
  'has:data',
  'diffusion',
  'optimal',
  'transport',
  'transformer',
  'OR',
  '-survey',
  '"graph neural"',
  '"unterminated',
  '9901.00062',
  'https://arxiv.org/abs/9901.00062v2',
  'https://huggingface.co/papers/2601.99999',
  'arXiv:2410.17243',
  'the',
  'of',
];
const NASTY = [
  "'; drop table papers; --",
  'a & b | !c <-> d',
  '((((',
  ':*',
  '\\',
  '%_%',
  '$1',
  '\u0000',
  '\u001b[31m',
  '\u202e',
  '\u200b',
  'é',
  'Ł',
  '🧪🔥',
  'ﷺ',
  'Z̷̢̛a̴l̸g̶o',
  '\ud800',
  '`code`',
  '*bold*',
  '<@123>',
  '<!channel>',
  '&amp;',
  '\n',
  '\t',
  '  ',
  '"',
  "'",
  'NULL',
  'undefined',
  '{}',
  '[]',
];

function generate(rand: () => number): { command: string; input: CommandInput; isManager: boolean } {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const roll = rand();
  const command =
    roll < 0.85 ? pick(COMMANDS) : roll < 0.9 ? pick(NASTY) : roll < 0.95 ? pick(COMMANDS).toUpperCase() : pick(WORDS);
  const isManager = rand() < 0.6;
  if (rand() < 0.25) {
    // Typed options (Discord): right names with wrong types, and unknown names.
    const values: Record<string, OptionValue | undefined> = {};
    const names = ['query', 'topic', 'setting', 'value', 'period', 'date', 'limit', 'public', 'id', 'bogus'];
    const n = Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const kind = rand();
      values[pick(names)] =
        kind < 0.4
          ? pick([...WORDS, ...NASTY])
          : kind < 0.6
            ? Math.floor(rand() * 2e9) - 1e9
            : kind < 0.7
              ? rand() * 100
              : kind < 0.8
                ? rand() < 0.5
                : kind < 0.9
                  ? 'x'.repeat(Math.floor(rand() * 10_000))
                  : undefined;
    }
    return { command, input: { kind: 'options', command, values }, isManager };
  }
  const parts: string[] = [];
  const n = Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) {
    const kind = rand();
    parts.push(
      kind < 0.6
        ? pick(WORDS)
        : kind < 0.9
          ? pick(NASTY)
          : kind < 0.95
            ? 'ab '.repeat(Math.floor(rand() * 3400))
            : 'y'.repeat(10_000),
    );
  }
  const text = parts.join(rand() < 0.8 ? ' ' : '');
  return { command, input: { kind: 'line', text: `${command}${rand() < 0.9 ? ' ' : ''}${text}` }, isManager };
}

describe.each(drivers)('fuzzing the command core on $name', (driver) => {
  let database: TestDatabase;
  let core: TestCore;
  const logs = captureLogs();

  beforeAll(async () => {
    database = await driver.open();
    const paper = testApp(database, { clock: new FixedClock('2026-11-16T12:00:00Z'), log: logs.log });
    await paper.services.ingest.importRecords(sample(), 'sample');
    core = testCore(paper, []);
  });
  afterAll(() => database.close());

  const fingerprint = async () =>
    JSON.stringify(
      await database.rows(sql`select
        (select count(*)::int from channels) as channels,
        (select coalesce(max(updated_at)::text, '') from channels) as changed,
        (select count(*)::int from topics) as topics,
        (select coalesce(max(id), 0) from topics) as last_topic,
        (select count(*)::int from continuations) as buttons`),
    );

  it('answers 10,000 generated inputs: no exception escapes, refusals write nothing, every reply fits', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261125);
    const rand = prng(seed);
    const channel = { platform: 'console' as const, address: 'fuzz' };
    let refused = 0;
    for (let i = 0; i < 10_000; i++) {
      const { command, input, isManager } = generate(rand);
      const where = `seed ${seed}, input #${i}: ${JSON.stringify({ command, input, isManager }).slice(0, 300)}`;
      const before = await fingerprint();
      const result = await core.dispatcher.dispatch({
        input,
        user: { id: 'fuzzer', displayName: 'fuzzer' },
        channel: { ...channel, platform: i % 3 === 0 ? 'discord' : i % 3 === 1 ? 'slack' : 'console' },
        isManager: async () => isManager,
      });
      expect(result.message.text.length, where).toBeGreaterThan(0);
      expect(result.message.text, where).not.toContain(GENERIC_FAILURE);
      const fits = replyFitsEveryPlatform(result.message);
      expect(fits, where).toEqual([]);
      // …and as the adapters render it, Discord and Slack would take every part.
      expect(replyRefusedByPlatforms(result.message), where).toEqual([]);
      if (!result.ok) {
        refused++;
        expect(await fingerprint(), where).toBe(before);
      }
      if (i % 10 === 0) {
        // Buttons and autocomplete get garbage too.
        const press = await core.dispatcher.dispatchAction({
          actionId:
            rand() < 0.5
              ? `more:${'A'.repeat(Math.floor(rand() * 20))}`
              : String(input.kind === 'line' ? input.text : command).slice(0, 100),
          user: { id: 'fuzzer', displayName: 'fuzzer' },
          channel,
          isManager: async () => isManager,
        });
        expect(press.message.text, where).not.toContain(GENERIC_FAILURE);
        const choices = await core.dispatcher.autocomplete({
          command,
          option: rand() < 0.5 ? 'topic' : 'value',
          partial: input.kind === 'line' ? input.text.slice(0, 200) : '',
          channel,
          values: { setting: rand() < 0.5 ? 'timezone' : 'days' },
        });
        expect(choices.length, where).toBeLessThanOrEqual(25);
        for (const c of choices) expect(c.name.length <= 100 && c.value.length <= 100, where).toBe(true);
      }
    }
    // The mix exercised both paths.
    expect(refused).toBeGreaterThan(2_000);
    expect(refused).toBeLessThan(9_500);
    expect(logs.entries.filter((e) => e.msg === 'command failed')).toEqual([]);
  }, 600_000);
});
