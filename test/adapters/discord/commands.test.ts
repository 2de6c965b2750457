/**
 * The `/papers` command JSON built from the core's definitions, reading options back from an interaction, and
 * `paperpulse discord:deploy-commands` against the fake Discord API (which validates the body as Discord does).
 */

import { PassThrough } from 'node:stream';
import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  commandTextLength,
  papersCommandJson,
  readSubcommand,
  subcommandJson,
} from '../../../adapters/discord/commands.js';
import { BOT_PERMISSIONS, createDiscordCliCommands, inviteUrl } from '../../../adapters/discord/deploy-commands.js';
import { COMMAND_LIMITS } from '../../../adapters/discord/limits.js';
import { createPapersCommands, createPlatformRegistry, runCli } from '../../../src/index.js';
import { GUILD_ID } from '../../support/discord-harness.js';
import { FakeDiscord, validateCommands } from '../../support/fake-discord.js';

const registry = createPapersCommands();
const command = papersCommandJson(registry.list);

describe('the /papers command', () => {
  it('is one guild-only root command with a subcommand per core command, and no default_member_permissions', () => {
    expect(command).toMatchObject({
      type: 1,
      name: 'papers',
      description: 'Hugging Face Daily Papers: trending, search, paper lookup, topics and the daily digest',
      contexts: [0],
      integration_types: [0],
    });
    // Discord has no per-subcommand permissions; the settings subcommands are checked when they run.
    expect(command).not.toHaveProperty('default_member_permissions');
    expect(command.options.map((o) => o.name)).toEqual(registry.list.map((d) => d.name));
    expect(command.options.map((o) => o.name)).toEqual([
      'help',
      'trending',
      'rising',
      'search',
      'paper',
      'similar',
      'topics',
      'subscribe',
      'unsubscribe',
      'follow',
      'digest',
      'status',
      'feed',
      'save',
      'saved',
      'vote',
    ]);
  });

  it('maps the core option specs to typed options (exact JSON)', () => {
    expect(subcommandJson(registry.get('trending')!)).toEqual({
      type: 1,
      name: 'trending',
      description: "Top papers of a day, ISO week or month (default: the latest closed day's list)",
      options: [
        {
          type: 3,
          name: 'period',
          description: 'day, week or month (default: day)',
          choices: [
            { name: 'day', value: 'day' },
            { name: 'week', value: 'week' },
            { name: 'month', value: 'month' },
          ],
        },
        {
          type: 3,
          name: 'date',
          description: 'A date (YYYY-MM-DD), ISO week (2026-W46) or month (2026-11)',
          max_length: 10,
        },
        { type: 4, name: 'limit', description: 'How many papers (1–25, default 10)', min_value: 1, max_value: 25 },
        { type: 5, name: 'public', description: 'Show the answer to everyone in the channel (default: only you)' },
      ],
    });
    const digest = subcommandJson(registry.get('digest')!);
    expect(digest.options[0]).toMatchObject({ type: 3, name: 'setting', required: true });
    expect(digest.options[0]!.choices!.map((c) => c.value)).toEqual([
      'on',
      'off',
      'time',
      'timezone',
      'days',
      'size',
      'min-upvotes',
      'mode',
      'weekly',
      'thread',
      'rising',
      'ranking',
      'alerts',
      'followups',
      'preview',
    ]);
    expect(digest.options[1]).toEqual({
      type: 3,
      name: 'value',
      description: 'The new value (time HH:MM, IANA zone, number…)',
      max_length: 100,
      autocomplete: true,
    });
    expect(subcommandJson(registry.get('unsubscribe')!).options[0]).toEqual({
      type: 3,
      name: 'topic',
      description: 'The topic, or its number in /papers topics',
      required: true,
      max_length: 300,
      autocomplete: true,
    });
  });

  it('respects every Discord command limit, and Discord’s validation accepts it', () => {
    expect(command.options.length).toBeLessThanOrEqual(COMMAND_LIMITS.options);
    for (const sub of command.options) {
      expect(sub.description.length).toBeLessThanOrEqual(COMMAND_LIMITS.description);
      expect(sub.options.length).toBeLessThanOrEqual(COMMAND_LIMITS.options);
      const required = sub.options.map((o) => o.required === true);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
      for (const option of sub.options) {
        expect(option.name).toMatch(/^[-_a-z0-9]{1,32}$/);
        expect(option.choices === undefined || option.autocomplete === undefined).toBe(true);
        expect((option.choices ?? []).length).toBeLessThanOrEqual(COMMAND_LIMITS.choices);
      }
    }
    expect(commandTextLength(command)).toBeLessThanOrEqual(COMMAND_LIMITS.totalText);
    expect(validateCommands([command])).toBeUndefined();
  });

  it('reads the subcommand, typed values and the focused option back from an interaction', () => {
    expect(
      readSubcommand([
        {
          name: 'digest',
          type: 1,
          options: [
            { name: 'setting', type: 3, value: 'timezone' },
            { name: 'value', type: 3, value: 'Europe/Pa', focused: true },
            { name: 'public', type: 5, value: true },
          ],
        },
      ]),
    ).toEqual({
      command: 'digest',
      values: { setting: 'timezone', value: 'Europe/Pa', public: true },
      focused: { name: 'value', value: 'Europe/Pa' },
    });
    expect(readSubcommand([])).toEqual({ command: '', values: {}, focused: undefined });
  });
});

describe('paperpulse discord:deploy-commands', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await new FakeDiscord().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function cli(args: string[], env: Record<string, string>) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      ['discord:deploy-commands', ...args],
      {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        stdin: new PassThrough(),
        env: { LOG_LEVEL: 'silent', ...env },
      },
      { commands: createDiscordCliCommands({ api: fake.api }), platforms: createPlatformRegistry(), version: 'test' },
    );
    return { code, stdout, stderr };
  }

  const env = () => ({ DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId });

  it('bulk-overwrites the commands of one server with PUT (development)', async () => {
    const { code, stdout, stderr } = await cli(['--guild', GUILD_ID], env());
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const put = fake.requests.filter((r) => r.method === 'PUT');
    expect(put.map((r) => r.path)).toEqual([`/applications/${fake.applicationId}/guilds/${GUILD_ID}/commands`]);
    expect(put[0]!.body).toEqual([command]);
    expect(fake.commands.get(GUILD_ID)).toHaveLength(1);
    expect(stdout).toBe(
      `Deployed /papers (help, trending, rising, search, paper, similar, topics, subscribe, unsubscribe, follow, digest, status, feed, save, saved, vote) to server ${GUILD_ID}: available now.\n` +
        `Invite the bot with: https://discord.com/oauth2/authorize?client_id=${fake.applicationId}&scope=bot+applications.commands&permissions=309237664768\n`,
    );
  });

  it('without --guild, overwrites the global commands (production)', async () => {
    const { code, stdout } = await cli([], env());
    expect(code).toBe(0);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'PUT', path: `/applications/${fake.applicationId}/commands` });
    expect(fake.commands.get('global')).toHaveLength(1);
    expect(stdout).toContain('globally: every server the bot is in');
  });

  it('--dry-run prints the JSON without contacting Discord or needing a token', async () => {
    const before = fake.requests.length;
    const { code, stdout } = await cli(['--dry-run'], {});
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([command]);
    expect(fake.requests.length).toBe(before);
  });

  it('a rejected token is one line naming DISCORD_TOKEN, without the token', async () => {
    const token = 'MTAwMDAwMDAwMDAwMDAwMDAw.GwRoNg.a-token-discord-does-not-know';
    const { code, stderr } = await cli(['--guild', GUILD_ID], { ...env(), DISCORD_TOKEN: token });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'paperpulse discord:deploy-commands: DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy a fresh token from the Developer Portal (your app → Bot → Reset Token)\n',
    );
    expect(stderr).not.toContain(token);
  });

  it('a token of another application names DISCORD_APPLICATION_ID', async () => {
    const { code, stderr } = await cli([], { ...env(), DISCORD_APPLICATION_ID: '1999999999999999999' });
    expect(code).toBe(1);
    expect(stderr).toContain('check that DISCORD_APPLICATION_ID is the id of the application DISCORD_TOKEN belongs to');
  });

  it('refuses to run without the Discord variables, and with a malformed --guild', async () => {
    expect((await cli([], {})).stderr).toBe(
      'paperpulse discord:deploy-commands: invalid configuration: DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to deploy commands\n',
    );
    const bad = await cli(['--guild', 'my-server'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--guild must be a server id (17–20 digits), not "my-server"');
  });

  it('the invite URL asks for exactly the permissions the bot uses', () => {
    // View Channel 1024 + Send Messages 2048 + Embed Links 16384 + Create Public Threads 2^35 + Send Messages in
    // Threads 2^38.
    expect(BOT_PERMISSIONS).toBe(1024n + 2048n + 16384n + 2n ** 35n + 2n ** 38n);
    expect(BOT_PERMISSIONS).toBe(309237664768n);
    const f = PermissionFlagsBits;
    expect(BOT_PERMISSIONS).toBe(
      f.ViewChannel | f.SendMessages | f.EmbedLinks | f.CreatePublicThreads | f.SendMessagesInThreads,
    );
    expect(inviteUrl('123456789012345678')).toBe(
      'https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot+applications.commands&permissions=309237664768',
    );
  });
});
