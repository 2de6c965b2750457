import { describe, expect, it } from 'vitest';
import { parseDiscordConfig } from '../../../adapters/discord/config.js';
import { discordCliCommands } from '../../../adapters/discord/deploy-commands.js';
import { discordModule } from '../../../adapters/discord/index.js';
import { DiscordPlatform } from '../../../adapters/discord/platform.js';
import { BotError } from '../../../src/index.js';
import { silentLog } from '../../support/databases.js';
import { PlatformStateStub } from '../../support/platform-state.js';

const context = {
  log: silentLog,
  state: new PlatformStateStub(),
  io: { stdin: process.stdin, stdout: process.stdout },
  commands: [],
};

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.a-bot-token-value-for-config-tests';
const APP = '1000000000000000001';

function problem(env: Record<string, string>): BotError {
  try {
    parseDiscordConfig(env);
  } catch (err) {
    if (err instanceof BotError) return err;
    throw err;
  }
  throw new Error('expected a BotError');
}

describe('Discord configuration', () => {
  it('is off when neither variable is set (blank counts as unset)', () => {
    expect(parseDiscordConfig({})).toBeUndefined();
    expect(parseDiscordConfig({ DISCORD_TOKEN: '  ', DISCORD_APPLICATION_ID: '' })).toBeUndefined();
  });

  it('the registry module says why it is off, and creates the platform when it is on', async () => {
    expect(await discordModule.configure({})).toEqual({ on: false, reason: 'DISCORD_TOKEN not set' });
    const setup = await discordModule.configure({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP });
    expect(setup).toEqual({ on: true, config: { token: TOKEN, applicationId: APP, shards: 'auto' } });
    const platform = await discordModule.create(setup.on ? setup.config : (undefined as never), context);
    expect(platform).toBeInstanceOf(DiscordPlatform);
    expect(platform.traits).toBe(discordModule.traits);
    await platform.stop();
  });

  it('reads the token and application id; a pasted "Bot " prefix is dropped', () => {
    expect(parseDiscordConfig({ DISCORD_TOKEN: ` Bot ${TOKEN} `, DISCORD_APPLICATION_ID: APP })).toEqual({
      token: TOKEN,
      applicationId: APP,
      shards: 'auto',
    });
  });

  it('leaves the shards to discord.js when started by its ShardingManager', () => {
    expect(
      parseDiscordConfig({
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: APP,
        SHARDING_MANAGER: 'true',
        SHARDS: '1',
        SHARD_COUNT: '4',
      }),
    ).toMatchObject({ shards: undefined });
  });

  it('a token without the application id is one line naming DISCORD_APPLICATION_ID', async () => {
    const err = problem({ DISCORD_TOKEN: TOKEN });
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe(
      'invalid configuration: DISCORD_APPLICATION_ID must be set when DISCORD_TOKEN is: the application id from the Discord Developer Portal (your app → General Information)',
    );
    await expect(discordModule.configure({ DISCORD_TOKEN: TOKEN })).rejects.toThrow(BotError);
  });

  it('an application id without a token names DISCORD_TOKEN', () => {
    expect(problem({ DISCORD_APPLICATION_ID: APP }).message).toBe(
      'invalid configuration: DISCORD_TOKEN must be set when DISCORD_APPLICATION_ID is: the bot token from the Discord Developer Portal (your app → Bot → Reset Token)',
    );
  });

  it('a malformed token names DISCORD_TOKEN and never shows its value', () => {
    const secret = 'not a token but a secret';
    const err = problem({ DISCORD_TOKEN: secret, DISCORD_APPLICATION_ID: APP });
    expect(err.message).toBe(
      'invalid configuration: DISCORD_TOKEN must be the bot token from the Discord Developer Portal (your app → Bot → Reset Token): three dot-separated parts, no spaces',
    );
    expect(err.message).not.toContain(secret);
  });

  it('a malformed application id names DISCORD_APPLICATION_ID', () => {
    expect(problem({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: 'paperpulse' }).message).toBe(
      'invalid configuration: DISCORD_APPLICATION_ID must be the application id from the Discord Developer Portal (your app → General Information): 17–20 digits',
    );
  });

  it('exposes the deploy command to the CLI', () => {
    expect(discordCliCommands.map((c) => c.name)).toEqual(['discord:deploy-commands']);
  });
});
