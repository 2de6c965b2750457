import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDotEnv } from '../../adapters/shared/dot-env.js';
import { childEnv, ROOT } from '../support/spawn.js';

/** `paperpulse <args>` run from `cwd`, as a user runs it from their project directory. */
function paperpulseIn(cwd: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'adapters/paperpulse.js'), ...args], {
      cwd,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `.env` in the working directory is read, and the environment wins over it (issue 10, item 3). */
describe('.env', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-dotenv-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('readDotEnv: the file fills in what the environment leaves unset; no file, no change', () => {
    const file = join(dir, 'unit.env');
    writeFileSync(file, '# comment\nDISCORD_TOKEN=from-file\nSLACK_BOT_TOKEN="xoxb-file"\nHTTP_PORT=\n');
    const env = readDotEnv({ DISCORD_TOKEN: 'from-env', PATH: '/bin' }, file);
    expect(env).toMatchObject({ DISCORD_TOKEN: 'from-env', SLACK_BOT_TOKEN: 'xoxb-file', HTTP_PORT: '', PATH: '/bin' });
    const none = { A: '1' };
    expect(readDotEnv(none, join(dir, 'missing.env'))).toBe(none);
  });

  it('the executable reads ./.env: a bad value there stops it with the variable named; the environment overrides it', async () => {
    writeFileSync(join(dir, '.env'), 'LOG_LEVEL=loud\n');
    const fromFile = await paperpulseIn(dir, ['slack:manifest'], {});
    expect(fromFile.code).toBe(1);
    expect(fromFile.stderr).toBe(
      'paperpulse: invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent\n',
    );
    const overridden = await paperpulseIn(dir, ['slack:manifest'], { LOG_LEVEL: 'warn' });
    expect(overridden.code).toBe(0);
    expect(JSON.parse(overridden.stdout)).toHaveProperty('features');
  });
});
