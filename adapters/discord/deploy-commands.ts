/**
 * `paperpulse discord:deploy-commands [--guild ID]`: registers `/papers` with Discord by bulk overwrite (PUT), in
 * one server (instant; for development) or globally (production). Run it after a change to the commands, never
 * at start-up: each new command counts toward Discord's 200 creates per day per guild.
 */
import type { RESTOptions } from 'discord.js';
import { BotError, type CliCommand, createPapersCommands, EXIT, stringOption, UsageError } from '../../src/index.js';

/**
 * The bot's permissions, and nothing more: View Channel, Send Messages and Embed Links to post digests, Create
 * Public Threads and Send Messages in Threads for the `thread` setting. Replies to slash commands need none (they
 * go through the interaction webhook).
 */
export const BOT_PERMISSIONS: bigint =
  // discord.js PermissionFlagsBits, spelled out so the CLI does not load discord.js to build its command table.
  (1n << 10n) | // ViewChannel
  (1n << 11n) | // SendMessages
  (1n << 14n) | // EmbedLinks
  (1n << 35n) | // CreatePublicThreads
  (1n << 38n); // SendMessagesInThreads

/** The URL a server admin opens to add the bot with exactly its permissions and the slash-command scope. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS}`;
}

export interface DiscordCliOptions {
  /** REST base URL (tests). */
  readonly api?: string | undefined;
  readonly makeRequest?: RESTOptions['makeRequest'] | undefined;
}

/**
 * The Discord CLI commands; `overrides` point them at a local fake Discord in tests. discord.js is loaded when a
 * command runs, not when the CLI starts (it costs ~35 MB of memory the console bot does not need).
 */
export function createDiscordCliCommands(overrides: DiscordCliOptions = {}): CliCommand[] {
  const deploy: CliCommand = {
    name: 'discord:deploy-commands',
    summary: 'Register /papers with Discord: in one server (--guild, instant) or globally',
    usage: 'paperpulse discord:deploy-commands [--guild ID] [--dry-run]',
    details:
      'Overwrites the application commands (PUT): with --guild in that server only, updated instantly (development);\n' +
      'without it globally, in every server the bot is in (production). Needs DISCORD_TOKEN and\n' +
      'DISCORD_APPLICATION_ID. --dry-run prints the command JSON without contacting Discord.',
    options: { guild: { type: 'string' }, 'dry-run': { type: 'boolean' } },
    async run(ctx) {
      const guild = stringOption(ctx.args.values, 'guild');
      if (guild !== undefined && !/^\d{17,20}$/.test(guild)) {
        throw new UsageError(`--guild must be a server id (17–20 digits), not "${guild}"`);
      }
      const { papersCommandJson } = await import('./commands.js');
      const body = [papersCommandJson(createPapersCommands().list)];
      if (ctx.args.values['dry-run'] === true) {
        ctx.io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
        // The URL goes to stderr, so stdout stays the command JSON.
        const applicationId = ctx.io.env.DISCORD_APPLICATION_ID?.trim();
        if (applicationId && /^\d{17,20}$/.test(applicationId)) {
          ctx.io.stderr.write(`Invite the bot with: ${inviteUrl(applicationId)}\n`);
        }
        return EXIT.ok;
      }
      // Loaded here, not at start-up: the parser brings zod, which `paperpulse --help` does not need.
      const { parseDiscordConfig } = await import('./config.js');
      const config = parseDiscordConfig(ctx.io.env);
      if (!config) {
        throw new BotError(
          'invalid configuration: DISCORD_TOKEN and DISCORD_APPLICATION_ID must be set to deploy commands',
          'CONFIG_INVALID',
        );
      }
      const { DiscordAPIError, REST, Routes } = await import('discord.js');
      const { safeError } = await import('./errors.js');
      const rest = new REST({
        ...(overrides.api ? { api: overrides.api } : {}),
        ...(overrides.makeRequest ? { makeRequest: overrides.makeRequest } : {}),
      }).setToken(config.token);
      const route = guild
        ? Routes.applicationGuildCommands(config.applicationId, guild)
        : Routes.applicationCommands(config.applicationId);
      let saved: { name: string }[];
      try {
        saved = (await rest.put(route, { body })) as { name: string }[];
      } catch (err) {
        throw deployError(err, guild, DiscordAPIError, safeError);
      } finally {
        rest.clearHashSweeper();
        rest.clearHandlerSweeper();
      }
      ctx.log.debug({ guild, commands: saved.length }, 'commands deployed');
      const subcommands = body[0]!.options.map((o) => o.name).join(', ');
      ctx.io.stdout.write(
        `Deployed /papers (${subcommands}) ${guild ? `to server ${guild}: available now` : 'globally: every server the bot is in'}.\n` +
          `Invite the bot with: ${inviteUrl(config.applicationId)}\n`,
      );
      return EXIT.ok;
    },
  };
  return [deploy];
}

function deployError(
  err: unknown,
  guild: string | undefined,
  DiscordAPIError: typeof import('discord.js').DiscordAPIError,
  safeError: (err: unknown) => Record<string, unknown>,
): BotError {
  if (err instanceof DiscordAPIError) {
    if (err.status === 401) {
      return new BotError(
        'DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy a fresh token from the Developer Portal (your app → Bot → Reset Token)',
        'CONFIG_INVALID',
      );
    }
    if (err.status === 403 && guild) {
      return new BotError(
        `Discord refused commands in server ${guild} (${err.message}): invite the bot there with the applications.commands scope first`,
        'PLATFORM_ERROR',
      );
    }
    if (err.status === 403 || err.status === 404) {
      return new BotError(
        `Discord refused the commands (${err.message}): check that DISCORD_APPLICATION_ID is the id of the application DISCORD_TOKEN belongs to`,
        'CONFIG_INVALID',
      );
    }
    return new BotError(`Discord refused the commands: ${err.message} (HTTP ${err.status})`, 'PLATFORM_ERROR');
  }
  return new BotError(`could not reach Discord: ${String(safeError(err).message)}`, 'PLATFORM_ERROR', { cause: err });
}

/** The Discord commands of `paperpulse`, talking to Discord itself. */
export const discordCliCommands: readonly CliCommand[] = createDiscordCliCommands();
