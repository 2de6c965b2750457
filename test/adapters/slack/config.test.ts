import { describe, expect, it } from 'vitest';
import { parseSlackConfig } from '../../../adapters/slack/config.js';
import { slackModule } from '../../../adapters/slack/index.js';
import { BotError, type Env } from '../../../src/index.js';
import { silentLog } from '../../support/databases.js';
import { PlatformStateStub } from '../../support/platform-state.js';

const failure = (env: Env) => {
  try {
    parseSlackConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('CONFIG_INVALID');
    return (err as BotError).message;
  }
  throw new Error('expected a configuration error');
};

const BOT = 'xoxb-123-456-abc';
const APP = 'xapp-1-A1-2-def';

describe('Slack configuration', () => {
  it('is off when no Slack variable is set (blank ones count as unset)', () => {
    expect(parseSlackConfig({})).toBeUndefined();
    expect(parseSlackConfig({ SLACK_BOT_TOKEN: '  ', SLACK_APP_TOKEN: '' })).toBeUndefined();
  });

  it('the registry module says why it is off', async () => {
    expect(await slackModule.configure({ DISCORD_TOKEN: 'x' })).toEqual({
      on: false,
      reason: 'no SLACK_BOT_TOKEN or SLACK_CLIENT_ID set',
    });
  });

  it('reads Socket Mode with one bot token', () => {
    expect(parseSlackConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP })).toEqual({
      transport: { kind: 'socket', appToken: APP },
      auth: { kind: 'token', botToken: BOT },
      port: 3000,
      managerIds: [],
      apiUrl: undefined,
    });
  });

  it('prefers Socket Mode when both SLACK_APP_TOKEN and SLACK_SIGNING_SECRET are set', () => {
    expect(
      parseSlackConfig({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_SIGNING_SECRET: 'abc' })?.transport,
    ).toEqual({ kind: 'socket', appToken: APP });
  });

  it('reads HTTP mode with a port and manager ids', () => {
    expect(
      parseSlackConfig({
        SLACK_BOT_TOKEN: BOT,
        SLACK_SIGNING_SECRET: 'abc123',
        SLACK_PORT: '8080',
        SLACK_MANAGER_IDS: ' U012ABC, W0XYZ ,',
      }),
    ).toEqual({
      transport: { kind: 'http', signingSecret: 'abc123' },
      auth: { kind: 'token', botToken: BOT },
      port: 8080,
      managerIds: ['U012ABC', 'W0XYZ'],
      apiUrl: undefined,
    });
  });

  it('reads the OAuth mode for many workspaces', () => {
    expect(
      parseSlackConfig({
        SLACK_CLIENT_ID: '1234.5678',
        SLACK_CLIENT_SECRET: 'shh',
        SLACK_STATE_SECRET: 'a-long-random-state-secret',
        SLACK_SIGNING_SECRET: 'abc',
        SLACK_REDIRECT_URI: 'https://pp.example.com/slack/oauth_redirect',
      }),
    ).toMatchObject({
      transport: { kind: 'http' },
      auth: {
        kind: 'oauth',
        clientId: '1234.5678',
        clientSecret: 'shh',
        stateSecret: 'a-long-random-state-secret',
        redirectUri: 'https://pp.example.com/slack/oauth_redirect',
      },
    });
  });

  it('names the variable at fault in one line, never its value', () => {
    expect(failure({ SLACK_APP_TOKEN: APP })).toBe(
      'invalid configuration: SLACK_BOT_TOKEN is required for Slack (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install to many workspaces)',
    );
    expect(failure({ SLACK_BOT_TOKEN: BOT })).toBe(
      'invalid configuration: SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is required: SLACK_APP_TOKEN for Socket Mode, SLACK_SIGNING_SECRET for HTTP mode',
    );
    expect(failure({ SLACK_BOT_TOKEN: 'xoxp-user-token-123', SLACK_APP_TOKEN: APP })).toBe(
      'invalid configuration: SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)',
    );
    expect(failure({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: 'xoxb-wrong' })).toContain(
      'SLACK_APP_TOKEN must be an app-level token starting with xapp-',
    );
    expect(failure({ SLACK_BOT_TOKEN: BOT, SLACK_SIGNING_SECRET: 's', SLACK_PORT: '70000' })).toBe(
      'invalid configuration: SLACK_PORT must be a port number from 1 to 65535',
    );
    expect(failure({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_MANAGER_IDS: 'ada,U1' })).toBe(
      'invalid configuration: SLACK_MANAGER_IDS must be comma-separated Slack user ids such as U012ABCDEF',
    );
    expect(failure({ SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'x', SLACK_SIGNING_SECRET: 's' })).toBe(
      'invalid configuration: SLACK_STATE_SECRET is required to install to many workspaces (with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)',
    );
    expect(failure({ SLACK_CLIENT_ID: '1234.5678', SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP })).toMatch(
      /^invalid configuration: SLACK_BOT_TOKEN must not be set together with SLACK_CLIENT_ID/,
    );
    expect(failure({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP, SLACK_STATE_SECRET: 'short' })).toContain(
      'SLACK_STATE_SECRET must be a random string of at least 16 characters',
    );
    const message = failure({ SLACK_BOT_TOKEN: 'xoxp-secret-value', SLACK_APP_TOKEN: APP });
    expect(message).not.toContain('xoxp-secret-value');
    expect(message).not.toContain('\n');
  });

  it('is what the registry module reads: a platform when configured, the error when not', async () => {
    const setup = await slackModule.configure({ SLACK_BOT_TOKEN: BOT, SLACK_APP_TOKEN: APP });
    if (!setup.on) throw new Error('Slack should be on');
    const platform = await slackModule.create(setup.config, {
      log: silentLog,
      state: new PlatformStateStub(),
      io: { stdin: process.stdin, stdout: process.stdout },
      commands: [],
    });
    expect(platform).toMatchObject({ name: 'slack', traits: slackModule.traits });
    await platform.stop();
    await expect(slackModule.configure({ SLACK_BOT_TOKEN: BOT })).rejects.toThrow(
      /SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is required/,
    );
  });
});
