import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackAdapterConfig } from '../../../adapters/slack/config.js';
import { SLACK_TRAITS } from '../../../adapters/slack/index.js';
import { SlackPlatform } from '../../../adapters/slack/platform.js';
import { buildApp, type RunningBot, runBot } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { createPlatformRegistry } from '../../../src/platforms.js';
import type { PlatformModule } from '../../../src/ports/platform.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { drivers, silentLog, type TestDatabase } from '../../support/databases.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { sample } from '../../support/fixtures.js';
import { unusedPort } from '../../support/ports.js';
import { FAKE_TIMING, fakeOptions, SECRET, slackConfig, TEAM, TOKEN } from './setup.js';

/**
 * Slack in HTTP mode with HTTP_PORT set to Slack's own port: the bot's routes are served by Bolt's receiver on that
 * one port, next to /slack/events, and no second server is opened.
 */
describe('Slack HTTP mode on HTTP_PORT: one server for Slack and the bot routes', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let bot: RunningBot;
  let port: number;
  let slack: SlackPlatform | undefined;

  beforeAll(async () => {
    fake = await new FakeSlack({ ...FAKE_TIMING }).start();
    fake.addWorkspace({ teamId: TEAM, botToken: TOKEN, admins: ['UADMIN'], owners: [] });
    database = await drivers[0]!.open();
    const clock = new FixedClock('2026-11-16T12:00:00Z');
    await buildApp(database, { config: loadConfig({}), log: silentLog, clock }).services.ingest.importRecords(
      sample(),
      'sample',
    );
    port = await unusedPort();
    const module: PlatformModule<SlackAdapterConfig> = {
      name: 'slack',
      traits: SLACK_TRAITS,
      configure: async () => ({ on: true, config: slackConfig({}, fakeOptions(fake, { port })) }),
      create: async (config, context) => {
        slack = new SlackPlatform(config, context, SLACK_TRAITS);
        return slack;
      },
    };
    const registry = createPlatformRegistry();
    registry.register(module);
    bot = await runBot({
      config: { ...loadConfig({}), httpPort: port, httpHost: '127.0.0.1' },
      log: silentLog,
      clock,
      database,
      env: {},
      io: { stdin: process.stdin, stdout: { write: () => true } },
      platforms: registry,
      schedule: false,
    });
  });
  afterAll(async () => {
    await bot?.stop();
    await fake?.stop();
  });

  it('opens no second server: Slack listens on HTTP_PORT and serves /healthz, /readyz and /metrics', async () => {
    expect(bot.http).toBeUndefined();
    expect(slack!.servesHttp).toBe(true);
    expect(slack!.port).toBe(port);
    const base = `http://127.0.0.1:${port}`;
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('ok\n');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toContain('slack: connected');
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('paperpulse_commands_total');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });

  it('still hands Slack its own requests: a signed command is answered and counted, an unsigned one gets 401', async () => {
    const base = `http://127.0.0.1:${port}`;
    const sent = await fake.slashCommand(`${base}/slack/events`, SECRET, { text: 'trending 2026-11-13 3' });
    expect(sent.status).toBe(200);
    await fake.waitFor(() => fake.responsesTo(sent.responseId).length > 0, 10_000, 'the answer');
    const unsigned = await fetch(`${base}/slack/events`, { method: 'POST', body: 'command=%2Fpapers' });
    expect(unsigned.status).toBe(401);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('paperpulse_commands_total{command="trending",outcome="ok"} 1');
  });
});
