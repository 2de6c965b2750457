import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, run } from '../support/spawn.js';

/**
 * The few tests that start real processes the way a new user does: the `paperpulse` executable through npx, and
 * `npm start` scripted through stdin, offline, on a fresh data directory. Everything else runs the same CLI code in
 * this process (test/cli/cli.test.ts, test/cli/console.test.ts).
 */
describe('the executable and npm start, as a new user runs them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-bin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('npx paperpulse --help lists the commands; --version prints the version', async () => {
    const help = await run('npx', ['--no-install', 'paperpulse', '--help'], { env: childEnv({}) });
    expect(help).toMatchObject({ code: 0, stderr: '' });
    for (const name of ['start', 'search', 'trending', 'paper', 'import', 'backfill', 'digest', 'slack:manifest']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    }
    const version = await run(process.execPath, ['adapters/paperpulse.js', '--version'], { env: childEnv({}) });
    expect(version).toMatchObject({ code: 0, stdout: expect.stringMatching(/^paperpulse \d+\.\d+\.\d+\n$/) });
  });

  it('npm start offline: loads the sample, shows a digest for a given date, and exits 0 on `exit`', async () => {
    const data = join(dir, 'data');
    const started = Date.now();
    const r = await run('npm', ['start', '--silent'], {
      env: childEnv({ PAPERPULSE_DATA_DIR: data, HF_API_URL: 'http://127.0.0.1:9' }),
      input: '/papers help\n/papers digest preview 2026-11-13\nexit\n/papers never-read\n',
      timeoutMs: 60_000,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('so the bundled sample was loaded instead: 215 papers');
    expect(r.stdout).toContain('Preview: the digest of the list of Fri 13 Nov 2026');
    expect(r.stdout).toMatch(
      /Hugging Face Daily Papers · Fri 13 Nov 2026\nTop 5 of 21 papers featured on Hugging Face\.\n1\. /,
    );
    // `exit` ends the session: the line after it is never answered.
    expect(r.stdout).not.toContain('never-read');
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(existsSync(join(data, 'paperpulse.lock')), 'the lock is released').toBe(false);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 90_000);
});
