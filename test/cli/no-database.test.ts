import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { childEnv, run } from '../support/spawn.js';

/**
 * `--help` and usage errors are answered before anything is opened: with a data directory that cannot be opened
 * (a regular file where the directory should be) or a Postgres server that is not there, they still answer as
 * usual, and nothing is created. A command that opened the database would exit 1 with the database's error.
 */
describe('help and usage errors never open the database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-nodb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const blocked = join(dir, 'not-a-directory');
  writeFileSync(blocked, 'a file where the data directory should be\n');
  const environments = {
    'an embedded data directory that cannot be opened': { PAPERPULSE_DATA_DIR: blocked },
    'a Postgres server that is not there': {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
      PAPERPULSE_DATA_DIR: join(dir, 'never-created'),
    },
  };

  const cases: [string[], number, RegExp][] = [
    [['--help'], 0, /^PaperPulse .*\n\nusage: paperpulse <command>/],
    [['help', 'search'], 0, /^usage: paperpulse search <query>/],
    [['search', '--help'], 0, /^usage: paperpulse search <query>/],
    [['backfill', '-h'], 0, /^usage: paperpulse backfill /],
    [[], 2, /^PaperPulse .*\n\nusage: paperpulse <command>/],
    [['backfill'], 2, /^paperpulse backfill: --from and --to are required\nusage: /],
    [['search'], 2, /^paperpulse search: missing argument\nusage: paperpulse search /],
    [['search', 'gan', '--limt', '5'], 2, /^paperpulse search: unknown option --limt; did you mean --limit\?\n/],
    [['search', 'gan', '--limit', '0'], 2, /^paperpulse search: --limit must be a whole number from 1 to 100/],
    [['trending', '--week', '2026-W99'], 2, /^paperpulse trending: "2026-W99" is not a week.*\nusage: /],
    [['trending', '--date', '2026-02-30'], 2, /^paperpulse trending: "2026-02-30" is not a date/],
    [['trending', '--month', '2026-13'], 2, /^paperpulse trending: "2026-13" is not a month/],
    [['search', 'since:2026-02-30'], 2, /^paperpulse search: since: needs a date like/],
    [['paper', 'not-an-id'], 2, /^paperpulse paper: “not-an-id” is not an arXiv id/],
    [['ingest', '--date', '2999-01-01'], 2, /^paperpulse ingest: --date 2999-01-01 is in the future/],
    [['digest', '--channel', 'nowhere'], 2, /^paperpulse digest: --channel must be <platform:address>/],
    [['import'], 2, /^paperpulse import: missing argument\n/],
    [['serch', 'gan'], 2, /^paperpulse: unknown command "serch"; did you mean "search"\?/],
  ];

  for (const [what, env] of Object.entries(environments)) {
    it.each(cases)(`${what}: paperpulse %j exits %i`, async (args, code, output) => {
      const r = await cli(args, env);
      expect(r.code).toBe(code);
      expect(code === 0 || args.length === 0 ? r.stdout : r.stderr).toMatch(output);
      expect(readFileSync(blocked, 'utf8')).toBe('a file where the data directory should be\n');
      expect(readdirSync(dir).sort()).toEqual(['not-a-directory']);
    });
  }

  it('through the executable: --help and a usage error create no data directory and no lock file', async () => {
    const data = join(dir, 'data');
    const env = childEnv({ PAPERPULSE_DATA_DIR: data, HF_API_URL: 'http://127.0.0.1:9' });
    const help = await run(process.execPath, ['adapters/paperpulse.js', '--help'], { env });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    const usage = await run(process.execPath, ['adapters/paperpulse.js', 'backfill', '--from', '2026-11-01'], { env });
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(usage.stderr).toMatch(/^paperpulse backfill: /);
    expect(existsSync(data), 'the data directory').toBe(false);
    expect(existsSync(join(data, 'paperpulse.lock')), 'the lock file').toBe(false);
  }, 60_000);

  it('the same command with valid arguments does open it (so the checks above can fail)', async () => {
    const r = await cli(['search', 'gan'], environments['an embedded data directory that cannot be opened']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^paperpulse search: /);
  });
});
