import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackPlatform } from '../../../adapters/slack/platform.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../../support/databases.js';
import { FakeSlack, messageText } from '../../support/fake-slack.js';
import { sample } from '../../support/fixtures.js';
import { captureLogs } from '../../support/log-capture.js';
import { testApp, testCore } from '../../support/services.js';
import { createSlack, PACING, slackConfig, TEAM, TOKEN } from './setup.js';

/** Socket Mode: the real Bolt app opens a WebSocket to the fake Slack and answers /papers over it. */
describe('Slack in Socket Mode', () => {
  let fake: FakeSlack;
  let database: TestDatabase;
  let slack: SlackPlatform;
  const logs = captureLogs();
  beforeAll(async () => {
    fake = await new FakeSlack({ appTokens: ['xapp-1-good'] }).start();
    fake.addWorkspace({ teamId: TEAM, botToken: TOKEN, admins: ['UADMIN'] });
    database = await drivers[0]!.open();
    const paper = testApp(database, { clock: new FixedClock('2026-11-16T12:00:00Z'), log: logs.log });
    await paper.services.ingest.importRecords(sample(), 'sample');
    slack = createSlack(
      { ...slackConfig(), transport: { kind: 'socket', appToken: 'xapp-1-good' } },
      logs.log,
      database,
      { slackApiUrl: fake.apiUrl, pacing: PACING },
    );
    await slack.start(testCore(paper, [slack]).dispatcher);
  }, 60_000);
  afterAll(async () => {
    await slack.stop();
    await database.close();
    await fake.stop();
  }, 60_000);

  it('connects with the app-level token and listens on no port', () => {
    expect(fake.socketConnections).toBe(1);
    expect(slack.port).toBeUndefined();
    expect(logs.entries.some((e) => e.msg === 'Slack connected (Socket Mode)')).toBe(true);
  });

  it('acknowledges a slash command envelope, then answers through response_url', async () => {
    const responseId = await fake.socketCommand({ text: 'search diffusion' });
    await fake.waitFor(() => fake.responsesTo(responseId).length === 1);
    expect(messageText(fake.responsesTo(responseId)[0]!.body)).toContain('Results 1–5');
    const admin = await fake.socketCommand({ text: 'digest on', user: 'UADMIN', channel: 'CSOCKET' });
    await fake.waitFor(() => fake.responsesTo(admin).length === 1);
    expect(messageText(fake.responsesTo(admin)[0]!.body)).toMatch(/digest is on/i);
  });

  it('disconnects on stop', async () => {
    await slack.stop();
    await fake.waitFor(() => fake.socketConnections === 0, 5_000, 'the app to hang up');
  });
});
