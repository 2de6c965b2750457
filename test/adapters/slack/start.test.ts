import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { drivers, silentLog, type TestDatabase } from '../../support/databases.js';
import { FakeSlack, messageText } from '../../support/fake-slack.js';
import { captureLogs } from '../../support/log-capture.js';
import { testApp, testCore } from '../../support/services.js';
import { childEnv, ROOT } from '../../support/spawn.js';
import { createSlack, holdDatabase, SECRET, slackConfig, slackSetup, TOKEN } from './setup.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe('Slack start-up and shutdown', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  beforeAll(async () => {
    fake = await new FakeSlack({ appTokens: [] }).start();
    fake.addWorkspace({ teamId: 'T0001', botToken: TOKEN });
    database = await drivers[0]!.open();
  }, 60_000);
  afterAll(async () => {
    await database.close();
    await fake.stop();
  }, 60_000);

  const core = () => testCore(testApp(database, { clock: new FixedClock('2026-11-16T12:00:00Z') }), []);

  it('stops with one line naming SLACK_BOT_TOKEN when Slack rejects it', async () => {
    const slack = createSlack(
      { ...slackConfig(), auth: { kind: 'token', botToken: 'xoxb-revoked' } },
      silentLog,
      database,
      { slackApiUrl: fake.apiUrl, port: 0, host: '127.0.0.1' },
    );
    const err = await slack.start(core().dispatcher).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotError);
    expect(err).toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        "SLACK_BOT_TOKEN was rejected by Slack (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page",
    });
    expect(slack.port).toBeUndefined();
    await slack.stop();
  });

  it('stops with one line naming SLACK_APP_TOKEN when Slack rejects it in Socket Mode', async () => {
    const slack = createSlack(
      { ...slackConfig(), transport: { kind: 'socket', appToken: 'xapp-1-revoked' } },
      silentLog,
      database,
      { slackApiUrl: fake.apiUrl },
    );
    const err = await slack.start(core().dispatcher).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'CONFIG_INVALID',
      message:
        'SLACK_APP_TOKEN was rejected by Slack (invalid_auth): create an app-level token (xapp-…) with the connections:write scope under Basic Information → App-Level Tokens',
    });
    expect(fake.calls.get('apps.connections.open')).toBe(1);
    await slack.stop();
  });

  it('names SLACK_PORT when the port is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const slack = createSlack(slackConfig(), silentLog, database, {
        slackApiUrl: fake.apiUrl,
        port,
        host: '127.0.0.1',
      });
      const err = await slack.start(core().dispatcher).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'CONFIG_INVALID',
        message: `SLACK_PORT ${port} is already in use: choose another port`,
      });
      await slack.stop();
    } finally {
      taken.close();
    }
  });

  it('on stop, finishes the commands in progress, then closes the port; stop is idempotent', async () => {
    const s = await slackSetup();
    const { release, released: busy } = holdDatabase(s);
    const sent = await s.fake.slashCommand(s.events, SECRET, { text: 'search diffusion' });
    expect(sent.status).toBe(200);
    const stopped = s.slack.stop();
    let done = false;
    void stopped.then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(done).toBe(false);
    release();
    await busy;
    await stopped;
    expect(s.fake.responsesTo(sent.responseId)).toHaveLength(1);
    await expect(fetch(`${s.base}/healthz`)).rejects.toThrow();
    await s.slack.stop();
    await s.close();
  });

  it('stop() before start() does nothing', async () => {
    const logs = captureLogs();
    const slack = createSlack(slackConfig(), logs.log, database, { slackApiUrl: fake.apiUrl });
    await slack.stop();
    await slack.stop();
    expect(logs.entries).toEqual([]);
  });
});

describe('paperpulse start with Slack (the real process)', () => {
  let dir: string;
  let fake: FakeSlack;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-slack-'));
    fake = await new FakeSlack().start();
    fake.addWorkspace({ teamId: 'T0001', botToken: TOKEN, admins: ['UADMIN'] });
  }, 60_000);
  afterAll(async () => {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  const startBot = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ['adapters/paperpulse.js', 'start'], {
      cwd: ROOT,
      env: childEnv({
        PAPERPULSE_DATA_DIR: join(dir, 'data'),
        HF_API_URL: 'http://127.0.0.1:9',
        HF_TIMEOUT_MS: '500',
        SLACK_API_URL: fake.apiUrl,
        SLACK_SIGNING_SECRET: SECRET,
        PAPERPULSE_SCHEDULER: 'off',
        ...env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    return { child, exited, stderr: () => stderr };
  };

  it('refuses a rejected SLACK_BOT_TOKEN with one line and exit code 1', async () => {
    const bot = startBot({ SLACK_BOT_TOKEN: 'xoxb-not-a-real-one', SLACK_PORT: String(await freePort()) });
    expect(await bot.exited).toBe(1);
    const lines = bot.stderr().trim().split('\n');
    expect(lines.at(-1)).toBe(
      "paperpulse start: SLACK_BOT_TOKEN was rejected by Slack (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page",
    );
    expect(bot.stderr()).not.toContain('xoxb-not-a-real-one');
  }, 120_000);

  it('serves /papers over HTTP on SLACK_PORT and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const bot = startBot({ SLACK_BOT_TOKEN: TOKEN, SLACK_PORT: String(port) });
    try {
      const deadline = Date.now() + 90_000;
      while (!bot.stderr().includes('Slack HTTP receiver listening')) {
        if (Date.now() > deadline) throw new Error(`bot did not start:\n${bot.stderr()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const sent = await fake.slashCommand(`http://127.0.0.1:${port}/slack/events`, SECRET, {
        text: 'digest on',
        user: 'UADMIN',
        channel: 'CLIVE',
      });
      expect(sent.status).toBe(200);
      await fake.waitFor(() => fake.responsesTo(sent.responseId).length === 1, 30_000);
      expect(messageText(fake.responsesTo(sent.responseId)[0]!.body)).toMatch(/digest is on/i);
      bot.child.kill('SIGTERM');
      expect(await bot.exited).toBe(0);
      expect(bot.stderr()).not.toContain(TOKEN);
      expect(bot.stderr()).not.toContain(SECRET);
    } finally {
      bot.child.kill('SIGKILL');
    }
  }, 120_000);
});
