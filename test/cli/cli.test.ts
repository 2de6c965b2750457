import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { createPostgresDatabase, dropPostgresDatabase, TEST_DATABASE_URL } from '../support/databases.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { paper250904664, sample, sampleByDate } from '../support/fixtures.js';

/** `paperpulse <args>` in this process (test/support/cli.ts); test/cli/bin.test.ts runs the real executable. */
const paperpulse = (args: string[], env: Record<string, string | undefined>) => cli(args, env);

const SAMPLE = 'data/sample/seed-papers.daily_papers.json';

describe('paperpulse CLI on the embedded database', { timeout: 60_000 }, () => {
  let dir: string;
  let hf: FakeHuggingFace;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-cli-'));
    hf = await new FakeHuggingFace().start();
    env = { PAPERPULSE_DATA_DIR: join(dir, 'data'), HF_API_URL: hf.url, HF_TIMEOUT_MS: '2000' };
    const first = await paperpulse(['import', SAMPLE], env);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(`imported ${SAMPLE}: 215 inserted, 0 updated, 0 unchanged, 0 skipped\n`);
  });
  afterAll(async () => {
    await hf.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has help for the tool and for each command, and a version', async () => {
    const help = await paperpulse(['--help'], env);
    expect(help.code).toBe(0);
    for (const name of ['start', 'import', 'ingest', 'backfill', 'search', 'trending', 'paper', 'digest', 'migrate']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    const searchHelp = await paperpulse(['search', '--help'], env);
    expect(searchHelp).toMatchObject({ code: 0, stderr: '' });
    expect(searchHelp.stdout).toMatch(/^usage: paperpulse search <query> \[--limit N\] \[--json\]/);
    expect(await paperpulse(['help', 'trending'], env)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/^usage: paperpulse trending /),
    });
    expect(await paperpulse(['--version'], env)).toEqual({ code: 0, stdout: 'paperpulse 0.0.0-test\n', stderr: '' });
  });

  it('imports idempotently: the same file again changes nothing', async () => {
    const again = await paperpulse(['import', SAMPLE], env);
    expect(again.stdout).toBe(`imported ${SAMPLE}: 0 inserted, 0 updated, 215 unchanged, 0 skipped\n`);
  });

  it('search prints the optimal-transport papers first, and --json has the documented fields', async () => {
    const text = await paperpulse(['search', 'optimal transport', '--limit', '3'], env);
    expect(text.code).toBe(0);
    // The same answer as /papers search in chat, as text.
    expect(text.stdout.split('\n').slice(0, 3)).toEqual([
      'Search: “optimal transport”',
      'Results 1–3',
      expect.stringMatching(/^1\. (Sparsity-Constrained Optimal Transport|SP\^2OT: .*Optimal Transport)/),
    ]);
    const json = await paperpulse(['search', 'optimal', 'transport', '--json'], env);
    const hits = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(
      hits
        .slice(0, 2)
        .map((h) => h.id)
        .sort(),
    ).toEqual(['9901.00073', '9901.00166']);
    for (const hit of hits) {
      expect(hit).toMatchObject({
        id: expect.any(String),
        title: expect.any(String),
        upvotes: expect.any(Number),
        score: expect.any(Number),
      });
      expect(hit.url).toBe(`https://huggingface.co/papers/${hit.id}`);
      expect(new Date(hit.publishedAt as string).toISOString()).toBe(hit.publishedAt);
    }
  });

  it('search still finds Wasserstein GAN through a typo', async () => {
    const r = await paperpulse(['search', 'wasserstien gan'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^No exact matches; showing results for “wasserstein gan”\.\n1 result\n1\. Wasserstein GAN$/m,
    );
  });

  it('trending by day, ISO week and month', async () => {
    const day = JSON.parse(
      (await paperpulse(['trending', '--date', '2026-11-13', '--json', '--limit', '100'], env)).stdout,
    ) as { id: string }[];
    expect(day.map((p) => p.id)).toEqual(
      sampleByDate()
        .get('2026-11-13')!
        .map((i) => (i.paper as { id: string }).id),
    );
    const week = await paperpulse(['trending', '--week', '2026-W46', '--limit', '3'], env);
    expect(week.stdout).toMatch(
      /^Trending · week 2026-W46 \(9 Nov – 15 Nov\)\n105 papers listed; the top 3 by upvotes\.$/m,
    );
    const month = await paperpulse(['trending', '--month', '2026-11', '--json', '--limit', '1'], env);
    expect((JSON.parse(month.stdout) as { upvotes: number }[])[0]!.upvotes).toBe(
      Math.max(...sample().map((i) => (i.paper as { upvotes: number }).upvotes)),
    );
  });

  it('paper by id or URL, fetching an unknown one from Hugging Face', async () => {
    const byUrl = await paperpulse(['paper', 'https://arxiv.org/abs/9901.00062v1'], env);
    expect(byUrl.code).toBe(0);
    expect(byUrl.stdout).toMatch(/^Wasserstein GAN\n/);
    expect(byUrl.stdout).toMatch(/On Daily Papers: Tue 3 Nov 2026/);
    hf.papers.set('2509.04664', paper250904664());
    const fetched = JSON.parse((await paperpulse(['paper', '2509.04664', '--json'], env)).stdout) as Record<
      string,
      unknown
    >[];
    expect(fetched[0]).toMatchObject({
      id: '2509.04664',
      title: 'Why Language Models Hallucinate',
      listDates: ['2025-09-08'],
    });
    const unknown = await paperpulse(['paper', '2509.99999'], env);
    expect(unknown).toMatchObject({ code: 1, stdout: '' });
    expect(unknown.stderr).toBe('paperpulse paper: No paper 2509.99999 on Hugging Face Papers.\n');
  });

  it('ingests a date from Hugging Face and reports it', async () => {
    hf.lists.set('2026-11-13', sampleByDate().get('2026-11-13')!);
    const r = await paperpulse(['ingest', '--date', '2026-11-13'], env);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toMatch(/^2026-11-13: 21 fetched, 0 inserted, 0 updated, 21 unchanged, 0 skipped\n/);
  });

  it('backfill reports each day and resumes', async () => {
    const first = await paperpulse(['backfill', '--from', '2026-11-13', '--to', '2026-11-15'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('2026-11-14: 0 fetched');
    const again = await paperpulse(['backfill', '--from', '2026-11-13', '--to', '2026-11-15'], env);
    expect(again.stdout).toBe('0 day(s) ingested (0 records), 3 already complete\n');
  });

  it.each([
    [['search'], 'paperpulse search: missing argument\nusage: paperpulse search <query> [--limit N] [--json]\n'],
    [
      ['search', 'x', '--bogus'],
      'paperpulse search: unknown option --bogus\nusage: paperpulse search <query> [--limit N] [--json]\n',
    ],
    [
      ['search', 'x', '--limt', '3'],
      'paperpulse search: unknown option --limt; did you mean --limit?\nusage: paperpulse search <query> [--limit N] [--json]\n',
    ],
    [
      ['search', 'x', '--limit', 'ten'],
      'paperpulse search: --limit must be a whole number from 1 to 100, not "ten"\nusage: paperpulse search <query> [--limit N] [--json]\n',
    ],
    [
      ['search', 'since:2026-02-30'],
      'paperpulse search: since: needs a date like 2026-11-02, not "2026-02-30".\nusage: paperpulse search <query> [--limit N] [--json]\n',
    ],
    [
      ['trending', '--date', '2026-11-13', '--week', '2026-W46'],
      expect.stringMatching(/^paperpulse trending: use one of --date, --week, --month/),
    ],
    [['trending', '--week', '2026-W99'], expect.stringMatching(/^paperpulse trending: "2026-W99" is not a week/)],
    [['paper', 'not-an-id'], expect.stringMatching(/^paperpulse paper: “not-an-id” is not an arXiv id/)],
    [['ingest', '--from', '2026-11-10'], expect.stringMatching(/^paperpulse ingest: --from and --to go together/)],
    [
      ['ingest', '--date', '2999-01-01'],
      expect.stringMatching(/^paperpulse ingest: --date 2999-01-01 is in the future/),
    ],
    [['backfill'], expect.stringMatching(/^paperpulse backfill: --from and --to are required/)],
    [['frobnicate'], 'paperpulse: unknown command "frobnicate" (paperpulse --help lists them)\n'],
    [['serach', 'x'], 'paperpulse: unknown command "serach"; did you mean "search"? (paperpulse --help lists them)\n'],
  ])('usage error %j exits 2 with one clear line', async (args, stderr) => {
    const r = await paperpulse(args as string[], env);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toEqual(stderr);
  });

  it('runtime failures exit 1 with one line: missing file, bad JSON, unreachable Hugging Face', async () => {
    const missing = await paperpulse(['import', 'nope.json'], env);
    expect(missing).toMatchObject({ code: 1, stderr: 'paperpulse import: cannot import nope.json: no such file\n' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '[{"paper": ');
    const badJson = await paperpulse(['import', bad], env);
    expect(badJson.code).toBe(1);
    expect(badJson.stderr).toMatch(/^paperpulse import: cannot import .*bad\.json: not valid JSON/);
    const down = await paperpulse(['ingest', '--date', '2026-11-12'], { ...env, HF_API_URL: 'http://127.0.0.1:9' });
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(
      'paperpulse ingest: Hugging Face at http://127.0.0.1:9 is unreachable (bad port): check the network, or HF_API_URL\n',
    );
  });

  it('imports JSON Lines, skipping and reporting the bad lines and records', async () => {
    const file = join(dir, 'papers.jsonl');
    const good = {
      paper: { id: '2601.00001', title: 'A JSONL paper', summary: 'About lines.', upvotes: 1, authors: [] },
      publishedAt: '2026-11-20T08:00:00Z',
    };
    const badRecord = { paper: { id: '2601.00002', title: 'No upvotes', summary: 's', authors: [] } };
    writeFileSync(file, `${JSON.stringify(good)}\n{not json}\n\n${JSON.stringify(badRecord)}\n`);
    const r = await paperpulse(['import', file], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 1 inserted, 0 updated, 0 unchanged, 2 skipped\n$/);
    expect(r.stderr).toMatch(/^warn: skipped a line that is not JSON \(.*line=2/m);
    expect(r.stderr).toMatch(
      /^warn: skipped malformed paper record \(.*id=2601\.00002, reason=paper\.upvotes is missing\)/m,
    );
  });

  it('refuses a data directory another live process holds, and takes over a stale lock', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { recursive: true });
    // Another live process holds the lock: the test runner's parent.
    writeFileSync(join(locked, 'paperpulse.lock'), String(process.ppid));
    const r = await paperpulse(['migrate'], { ...env, PAPERPULSE_DATA_DIR: locked });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `paperpulse migrate: the database in ${locked} is in use by another PaperPulse process (pid ${process.ppid}); stop it first, or set DATABASE_URL to share a Postgres server between processes\n`,
    );
    writeFileSync(join(locked, 'paperpulse.lock'), '999999');
    expect((await paperpulse(['migrate'], { ...env, PAPERPULSE_DATA_DIR: locked })).code).toBe(0);
  });

  it("digest prints one channel's digest with --dry-run, posts it once without", async () => {
    const dry = await paperpulse(['digest', '--channel', 'console:local', '--date', '2026-11-13', '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(
      /^Hugging Face Daily Papers · Fri 13 Nov 2026\nTop 5 of 21 papers featured on Hugging Face\.\n1\. /,
    );
    const posted = await paperpulse(['digest', '--channel', 'console:local', '--date', '2026-11-13'], env);
    expect(posted.code).toBe(0);
    expect(posted.stdout).toContain('━━━ Digest for console:local ━━━\nHugging Face Daily Papers · Fri 13 Nov 2026');
    expect(posted.stdout).toMatch(/console:local 2026-11-13: sent \(1 message\(s\)\)\n$/);
    const again = await paperpulse(['digest', '--channel', 'console:local', '--date', '2026-11-13'], env);
    expect(again.stdout).toMatch(/^console:local 2026-11-13: exists \(already sent /);
    // Papers already posted to the channel are left out of the next digest of the same list.
    const after = await paperpulse(['digest', '--channel', 'console:local', '--date', '2026-11-13', '--dry-run'], env);
    expect(after.stdout).toMatch(/^Hugging Face Daily Papers · Fri 13 Nov 2026\nTop 5 of 21/);
    const firstTitles = [...dry.stdout.matchAll(/^\d\. (.*)$/gm)].map((m) => m[1]);
    for (const title of [...after.stdout.matchAll(/^\d\. (.*)$/gm)].map((m) => m[1]))
      expect(firstTitles).not.toContain(title);
  });

  it('digest refuses a malformed channel (2) and a platform that is not configured (1)', async () => {
    const bad = await paperpulse(['digest', '--channel', 'papers'], env);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/^paperpulse digest: --channel must be <platform:address>/);
    const unknown = await paperpulse(['digest', '--channel', 'irc:papers'], env);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toMatch(/^paperpulse digest: there is no platform "irc" \(known: discord, slack, console\)/);
    const unconfigured = await paperpulse(['digest', '--channel', 'discord:1/123'], env);
    expect(unconfigured).toMatchObject({ code: 1 });
    expect(unconfigured.stderr).toBe(
      'paperpulse digest: cannot post to discord:1/123: discord is off here (DISCORD_TOKEN not set)\n',
    );
  });

  it('stops on a malformed configuration variable, naming it', async () => {
    const r = await paperpulse(['search', 'x'], {
      ...env,
      HF_TIMEOUT_MS: 'soon',
      DATABASE_URL: 'mysql://u:secret@h/db',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'paperpulse: invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL; HF_TIMEOUT_MS must be a whole number of milliseconds\n',
    );
    expect(r.stderr).not.toContain('secret');
  });
});

describe.skipIf(!TEST_DATABASE_URL)(
  `paperpulse CLI on Postgres (DATABASE_URL)${TEST_DATABASE_URL ? '' : ' (skipped: set TEST_DATABASE_URL to a Postgres server to run it)'}`,
  () => {
    let url: string;
    beforeAll(async () => {
      url = await createPostgresDatabase();
    });
    afterAll(() => dropPostgresDatabase(url));

    it('imports and searches the sample', async () => {
      const env = { DATABASE_URL: url };
      expect((await paperpulse(['import', SAMPLE], env)).stdout).toMatch(/215 inserted/);
      const hits = JSON.parse((await paperpulse(['search', 'wasserstien gan', '--json'], env)).stdout) as {
        title: string;
      }[];
      expect(hits[0]!.title).toBe('Wasserstein GAN');
    });
  },
);
