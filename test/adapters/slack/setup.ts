/**
 * The Slack adapter under test: the real core on a test database with the bundled sample, the real Bolt app
 * listening on 127.0.0.1, and its Web API clients pointed at a FakeSlack. Time is scaled down (see PACING).
 */
import type { SlackAdapterConfig, SlackAdapterOptions } from '../../../adapters/slack/config.js';
import { SLACK_TRAITS } from '../../../adapters/slack/index.js';
import type { SlackPacing } from '../../../adapters/slack/pacer.js';
import { SlackPlatform } from '../../../adapters/slack/platform.js';
import type { App } from '../../../src/app.js';
import { PgPlatformStateStore } from '../../../src/db/pg-platform-state.js';
import type { Logger, PlatformState } from '../../../src/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { drivers, type TestDatabase, type TestDriver } from '../../support/databases.js';
import { FakeSlack, type FakeSlackOptions, type FakeWorkspace, messageText } from '../../support/fake-slack.js';
import { sample } from '../../support/fixtures.js';
import { captureLogs } from '../../support/log-capture.js';
import { type TestCore, testApp, testCore } from '../../support/services.js';

export const SECRET = 'test-signing-secret-0123456789abcdef';
export const TEAM = 'T0001';
export const TOKEN = 'xoxb-T0001-token';
export const OAUTH = {
  clientId: '1111.2222',
  clientSecret: 'client-secret-abc',
  stateSecret: 'state-secret-0123456789',
};

/** Slack's pacing at 1/25 of real time: 40 ms per channel, 5 messages per 40 ms window per workspace. */
export const PACING: Partial<SlackPacing> = {
  channelIntervalMs: 40,
  workspaceMessages: 5,
  workspaceWindowMs: 40,
  retryAfterUnitMs: 40,
  maxRateLimitWaitMs: 400,
  maxRateLimitRetries: 3,
};

export const FAKE_TIMING: FakeSlackOptions = {
  channelIntervalMs: 40,
  workspaceMessages: 5,
  workspaceWindowMs: 40,
  retryAfterUnitMs: 40,
};

export interface SlackSetupOptions {
  readonly auth?: 'token' | 'oauth';
  readonly managerIds?: readonly string[];
  readonly pacing?: Partial<SlackPacing>;
  readonly fake?: FakeSlackOptions;
  readonly driver?: TestDriver;
  readonly workspace?: Partial<FakeWorkspace>;
  /** Skip start(): for tests of postDigest without start (the CLI's case). */
  readonly start?: boolean;
  readonly managerCacheTtlMs?: number;
  /** Wraps the platform's state (its installations in OAuth mode), e.g. to make the database slow. */
  readonly state?: ((state: PlatformState) => PlatformState) | undefined;
  /** More adapter options (installation cache and lookup times…). */
  readonly adapter?: SlackAdapterOptions | undefined;
}

export interface SlackSetup {
  readonly fake: FakeSlack;
  readonly database: TestDatabase;
  readonly app: App;
  readonly core: TestCore;
  readonly slack: SlackPlatform;
  readonly logs: ReturnType<typeof captureLogs>;
  /** http://127.0.0.1:port */
  readonly base: string;
  /** The events endpoint (slash commands, buttons, events). */
  readonly events: string;
  /** Sends `/papers <text>` signed; resolves with the first answer posted to its response_url. */
  command(
    text: string,
    from?: { user?: string; channel?: string; team?: string },
  ): Promise<{ body: Record<string, unknown>; text: string; responseId: string }>;
  close(): Promise<void>;
}

/** The address of `channel` in the test workspace. */
export const address = (channel: string, team = TEAM) => `${team}/${channel}`;

export function slackConfig(options: SlackSetupOptions = {}, adapter?: SlackAdapterOptions): SlackAdapterConfig {
  return {
    transport: { kind: 'http', signingSecret: SECRET },
    auth:
      options.auth === 'oauth'
        ? { kind: 'oauth', ...OAUTH, redirectUri: undefined }
        : { kind: 'token', botToken: TOKEN },
    port: 3000,
    managerIds: options.managerIds ?? [],
    apiUrl: undefined,
    options: adapter,
  };
}

/** Test-only options: the fake's Web API, any free port on 127.0.0.1, Slack's pacing scaled down. */
export function fakeOptions(fake: FakeSlack, extra: SlackAdapterOptions = {}): SlackAdapterOptions {
  return { slackApiUrl: fake.apiUrl, port: 0, host: '127.0.0.1', ...extra, pacing: { ...PACING, ...extra.pacing } };
}

export async function slackSetup(options: SlackSetupOptions = {}): Promise<SlackSetup> {
  const fake = await new FakeSlack({
    ...FAKE_TIMING,
    oauth: { clientId: OAUTH.clientId, clientSecret: OAUTH.clientSecret },
    ...options.fake,
  }).start();
  if (options.auth !== 'oauth') {
    fake.addWorkspace({ teamId: TEAM, botToken: TOKEN, admins: ['UADMIN'], owners: ['UOWNER'], ...options.workspace });
  }
  const database = await (options.driver ?? drivers[0]!).open();
  const logs = captureLogs();
  const app = testApp(database, { clock: new FixedClock('2026-11-16T12:00:00Z'), log: logs.log });
  await app.services.ingest.importRecords(sample(), 'sample');
  const adapterOptions = fakeOptions(fake, {
    ...options.adapter,
    ...(options.pacing ? { pacing: options.pacing } : {}),
    ...(options.managerCacheTtlMs !== undefined ? { managerCacheTtlMs: options.managerCacheTtlMs } : {}),
  });
  const slack = new SlackPlatform(
    slackConfig(options, adapterOptions),
    { log: logs.log, state: (options.state ?? ((state) => state))(app.platformState.scope('slack')) },
    SLACK_TRAITS,
  );
  const core = testCore(app, [slack]);
  if (options.start !== false) await slack.start(core.dispatcher);
  const base = `http://127.0.0.1:${slack.port ?? 0}`;
  const events = `${base}/slack/events`;
  return {
    fake,
    database,
    app,
    core,
    slack,
    logs,
    base,
    events,
    async command(text, from = {}) {
      const sent = await fake.slashCommand(events, SECRET, { text, ...from });
      if (sent.status !== 200) throw new Error(`the app answered ${sent.status} to a signed command`);
      await fake.waitFor(() => fake.responsesTo(sent.responseId).length > 0, 10_000, `the answer to /papers ${text}`);
      const body = fake.responsesTo(sent.responseId)[0]!.body;
      return { body, text: messageText(body), responseId: sent.responseId };
    },
    async close() {
      await slack.stop();
      await database.close();
      await fake.stop();
    },
  };
}

/**
 * Holds the (single-connection) embedded database in an open transaction, so a command can be acknowledged but
 * not answered until `release()`; await `released` after it.
 */
export function holdDatabase(s: SlackSetup): { release: () => void; released: Promise<unknown> } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { release, released: s.database.db.transaction(async () => held) };
}

/** The Slack platform on a test database (its installations in the platform state), with test-only options. */
export function createSlack(
  config: SlackAdapterConfig,
  log: Logger,
  database: TestDatabase,
  options: SlackAdapterOptions = {},
): SlackPlatform {
  return new SlackPlatform(
    { ...config, options: { ...config.options, ...options } },
    { log, state: new PgPlatformStateStore(database).scope('slack') },
    SLACK_TRAITS,
  );
}
