import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatDay, latestClosedDay } from '../../src/domain/days.js';
import { CliSession, cli } from '../support/cli.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { listsOn } from '../support/fixtures.js';
import { childEnv, run, Session } from '../support/spawn.js';

/**
 * `paperpulse start` as a new user runs it: the console adapter on the embedded database, scripted through stdin.
 * The long scripts run the real CLI in this process (test/support/cli.ts); test/cli/bin.test.ts runs `npm start`.
 */
describe('paperpulse start: the console channel', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-console-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('without Hugging Face: says so in one line, loads the sample, and answers every command and mistake', async () => {
    const long = 'x'.repeat(201);
    const script = [
      '/papers help',
      '/papers search optimal transport',
      'more',
      'more',
      '/papers search wasserstien gan',
      '/papers search since:2026-13-01 gan',
      '/papers search',
      '/papers paper https://arxiv.org/abs/9901.00062',
      '/papers paper nonsense',
      '/papers paper 2601.00001',
      '/papers trending',
      '/papers trending week 2026-W46 3',
      '/papers trending month 2026-11 2 public',
      '/papers trending 2026-02-30',
      '/papers trending day 2026-11-14',
      '/papers trending 99',
      '/papers topics',
      '/papers subscribe "optimal transport" -survey',
      '/papers subscribe "OPTIMAL transport" -survey',
      '/papers subscribe the of',
      `/papers subscribe ${long}`,
      '/papers topics',
      '/papers unsubscribe 5',
      '/papers digest',
      '/papers digest time 25:00',
      '/papers digest timezone Mars/Olympus',
      '/papers digest size 30',
      '/papers digest mode sometimes',
      '/papers digest time 07:30',
      '/papers digest timezone asia/tokyo',
      '/papers digest days daily',
      '/papers digest size 3',
      '/papers digest min-upvotes 5',
      '/papers digest mode topics',
      '/papers digest weekly on',
      '/papers digest thread on',
      '/papers digest on',
      '/papers status',
      '/papers digest preview',
      '/papers unsubscribe 1',
      '/papers digest off',
      '/papers frobnicate',
      'hello',
      '',
    ].join('\n');
    const r = await cli(
      ['start'],
      { PAPERPULSE_DATA_DIR: join(dir, 'offline'), HF_API_URL: 'http://127.0.0.1:1', HF_TIMEOUT_MS: '1000' },
      { input: script },
    );
    expect(r.code).toBe(0);
    // Connection refused is no network: no retry warnings over what the user types, just the one line below.
    expect(r.stderr).not.toContain('Hugging Face request failed');
    const out = r.stdout;
    const expectations: (string | RegExp)[] = [
      /^Could not reach Hugging Face \(bad port at http:\/\/127\.0\.0\.1:1\), so the bundled sample was loaded instead: 215 papers, lists of Mon 2 Nov 2026 to Fri 13 Nov 2026 \(real titles and abstracts; synthetic ids, authors and upvotes\)\. See a digest with: \/papers digest preview 2026-11-13$/m,
      '/papers search — ',
      'Results 1–5\n',
      '(type “more” for the next page)',
      'Results 6 (the last)',
      'Nothing more to show: “more” continues the last search.',
      'No exact matches; showing results for “wasserstein gan”.',
      '1. Wasserstein GAN',
      '⚠ since: needs a date like 2026-11-02, not "2026-13-01".\nUsage: /papers search',
      '⚠ search needs a query.\nUsage: /papers search',
      /^1?\.? ?Wasserstein GAN\n[\s\S]*?On Daily Papers: Tue 3 Nov 2026/m,
      '⚠ “nonsense” is not an arXiv id',
      '⚠ 2601.00001 is not in the archive, and Hugging Face could not be asked just now; try again later.',
      /Trending · Fri 13 Nov 2026\nNo papers were listed on .*; showing the latest closed list\./,
      'Trending · week 2026-W46 (9 Nov – 15 Nov)\n105 papers listed; the top 3 by upvotes.',
      'Trending · November 2026\n215 papers listed; the top 2 by upvotes.',
      '⚠ "2026-02-30" is not a date; write it as YYYY-MM-DD',
      'No papers were listed on Sat 14 Nov 2026; weekends are usually empty.',
      '⚠ limit must be from 1 to 25, not 99.',
      'No topics yet. A channel manager can add one',
      'Subscribed this channel to “"optimal transport" -survey”.',
      'This channel already follows “"OPTIMAL transport" -survey”.',
      '⚠ “the of” has no word to search for',
      '⚠ A topic is at most 200 characters; that one has 201.',
      '1. "optimal transport" -survey',
      '⚠ This channel has no topic “5”',
      '⚠ digest needs a setting.',
      '⚠ digest time is a 24-hour time like 09:00 or 17:30, not “25:00”.',
      '⚠ “Mars/Olympus” is not a time zone I know',
      '⚠ digest size is a whole number from 1 to 25, not “30”.',
      '⚠ digest mode is all or topics, not “sometimes”.',
      'The digest posts at 07:30 UTC.',
      'The digest posts at 07:30 Asia/Tokyo.',
      'The digest posts every day.',
      'The digest lists the top 3 papers.',
      'The digest leaves out papers with fewer than 5 upvotes.',
      "The digest posts only papers matching this channel's topics.",
      "A recap of last week's top papers posts on Mondays.",
      '⚠ Threads do not exist here, so the digest always posts directly in the channel.',
      /The daily digest is on in this channel\. Next post: \w{3} \d+ \w{3} \d{4} at 07:30 Asia\/Tokyo \(22:30 UTC\)\./,
      'Digest: on\nTime: 07:30 Asia/Tokyo, every day\nSize: top 3 · min upvotes: 5 · mode: topics\nWeekly recap: on (Mondays) · thread: off',
      'Topics (1): "optimal transport" -survey',
      'Preview: this is what the digest would post now.\nNothing would be posted: no closed Daily Papers list in the last few days (the newest in the archive is 2026-11-13; /papers digest preview 2026-11-13 shows its digest).',
      'Unsubscribed this channel from “"optimal transport" -survey”.',
      'The daily digest is off in this channel.',
      '⚠ “frobnicate” is not a /papers command.',
      'Commands start with /papers, e.g. /papers help (or type exit).',
    ];
    let from = 0;
    for (const expected of expectations) {
      const rest = out.slice(from);
      const index = typeof expected === 'string' ? rest.indexOf(expected) : rest.search(expected);
      expect(index, `in order: ${expected}\n--- output from here ---\n${rest.slice(0, 600)}`).toBeGreaterThanOrEqual(0);
      from += index + 1;
    }
    // Bad input is answered, never with a stack trace.
    expect(out).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/);
    expect(out).not.toContain('Something went wrong');
  }, 120_000);

  it('with Hugging Face: fetches the last 7 days on first start, and posts a digest scheduled a minute ahead on time', async () => {
    const hf = await new FakeHuggingFace().start();
    try {
      const closed = latestClosedDay(new Date());
      const days = Array.from({ length: 7 }, (_, i) => addDays(closed, -i));
      const records = listsOn(days);
      for (const day of days)
        hf.lists.set(
          day,
          records.filter((r) => String(r.publishedAt).startsWith(day)),
        );
      const session = new CliSession(['start'], { PAPERPULSE_DATA_DIR: join(dir, 'online'), HF_API_URL: hf.url });
      await session.waitFor(/First start: fetched the last 7 days of Daily Papers from Hugging Face \(\d+ papers\)\./, {
        timeoutMs: 60_000,
      });
      // Schedule the digest for the next full minute (two if this one is nearly over), in UTC.
      const now = new Date();
      const slot = new Date(Math.ceil((now.getTime() + (now.getUTCSeconds() > 45 ? 60_000 : 1)) / 60_000) * 60_000);
      const hhmm = slot.toISOString().slice(11, 16);
      session.write('/papers digest days daily');
      session.write(`/papers digest time ${hhmm}`);
      session.write('/papers digest on');
      await session.waitFor('The daily digest is on in this channel.');
      const at = await session.waitFor('━━━ Digest for console:local ━━━', { timeoutMs: 150_000 });
      const seenAt = Date.now();
      expect(seenAt).toBeGreaterThanOrEqual(slot.getTime());
      expect(seenAt - slot.getTime()).toBeLessThan(65_000);
      expect(session.stdout.slice(at)).toContain(`Hugging Face Daily Papers · ${formatDay(closed)}`);
      session.write('/papers status');
      await session.waitFor(/Last digest: list of .*, posted .* UTC \(1 message\)/, { from: at });
      session.end();
      expect(await session.exited).toBe(0);
    } finally {
      await hf.stop();
    }
  }, 240_000);

  it('refuses a second bot on the same data directory with one clear line', async () => {
    const first = new Session(
      process.execPath,
      ['adapters/paperpulse.js', 'start'],
      childEnv({ PAPERPULSE_DATA_DIR: join(dir, 'offline'), HF_API_URL: 'http://127.0.0.1:1' }),
    );
    try {
      // The first one holds the database while its stdin stays open: wait until it has started.
      await first.waitFor('PaperPulse', { timeoutMs: 30_000 });
      const second = await run(process.execPath, ['adapters/paperpulse.js', 'start'], {
        env: childEnv({ PAPERPULSE_DATA_DIR: join(dir, 'offline') }),
        input: '/papers help\n',
      });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /^paperpulse start: the database in .*offline is in use by another PaperPulse process \(pid \d+\); stop it first/m,
      );
    } finally {
      first.end();
      await first.exited;
    }
  }, 60_000);
});
