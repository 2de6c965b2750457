/**
 * Routes Discord interactions into the core: `/papers` subcommands, their autocomplete, and "More" buttons.
 *
 * The 3-second rule: Discord invalidates an interaction that gets no first answer within 3 s. The dispatcher is
 * started at once; when it answers within `deferAfterMs` the answer is sent directly (one round trip, no
 * "thinking…"), otherwise the interaction is deferred (type 5) and the original message edited when the answer is
 * ready (the token then lasts 15 minutes). A deferred answer's visibility is fixed when deferring: ephemeral unless
 * the user set `public`, so a refusal of a `public` request is shown in the (public) deferred message.
 *
 * Never throws: one bad interaction is logged with its context and does not affect the others.
 */
import {
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionReplyOptions,
  MessageFlags,
  PermissionFlagsBits,
  type PermissionsBitField,
} from 'discord.js';
import {
  type ChannelRef,
  type Choice,
  type CommandDispatcher,
  type CommandResult,
  clip,
  type Logger,
  type PostingProblems,
} from '../../src/index.js';
import { discordAddress } from './address.js';
import { ROOT_COMMAND, readSubcommand } from './commands.js';
import { DISCORD_CODES, discordCode, safeError } from './errors.js';
import { type DiscordFile, placeFile } from './files.js';
import { COMMAND_LIMITS } from './limits.js';
import { relabelRows } from './relabel.js';
import { type RenderedMessage, renderMessage } from './render.js';

export interface InteractionTiming {
  /** Answer directly when the dispatcher is done within this time; else defer. Default 1000 ms. */
  readonly deferAfterMs: number;
  /** Autocomplete has no deferred form: suggestions not ready by then are answered empty. Default 2000 ms. */
  readonly autocompleteTimeoutMs: number;
}

/** Production timing: well inside Discord's 3 seconds, with room for a slow network or a busy event loop. */
export const DEFAULT_TIMING: InteractionTiming = { deferAfterMs: 1_000, autocompleteTimeoutMs: 2_000 };

/** Manage Channels or Manage Server (Administrator implies both): the core's "channel managers". */
export function isChannelManager(permissions: Readonly<PermissionsBitField> | null | undefined): boolean {
  return permissions?.any([PermissionFlagsBits.ManageChannels, PermissionFlagsBits.ManageGuild]) ?? false;
}

/** What the bot needs in a channel to post its digest there. */
export function missingPostingPermissions(
  permissions: Readonly<PermissionsBitField> | null | undefined,
  options: { thread: boolean; inThread: boolean },
): string[] {
  if (!permissions) return [];
  const needed: [bigint, string][] = [
    [PermissionFlagsBits.ViewChannel, 'View Channel'],
    options.inThread
      ? [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads']
      : [PermissionFlagsBits.SendMessages, 'Send Messages'],
    [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  ];
  if (options.thread && !options.inThread) {
    needed.push(
      [PermissionFlagsBits.CreatePublicThreads, 'Create Public Threads'],
      [PermissionFlagsBits.SendMessagesInThreads, 'Send Messages in Threads'],
    );
  }
  return needed.filter(([bit]) => !permissions.has(bit)).map(([, name]) => name);
}

type Answerable = ChatInputCommandInteraction | ButtonInteraction;

/** `work`'s value, or 'timeout' when it takes longer than `ms` (the work itself goes on). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Turns discord.js interactions into dispatcher calls and their answers into Discord responses. */
export class InteractionRouter {
  private readonly dispatcher: CommandDispatcher;
  private readonly log: Logger;
  private readonly timing: InteractionTiming;

  /** The channel of an interaction whose payload had `channel_id` but no `channel` object (see DiscordPlatform). */
  private readonly channelIdOf: (interaction: Interaction) => string | null;

  constructor(
    dispatcher: CommandDispatcher,
    log: Logger,
    timing: InteractionTiming = DEFAULT_TIMING,
    channelIdOf: (interaction: Interaction) => string | null = (i) => i.channelId,
  ) {
    this.dispatcher = dispatcher;
    this.log = log;
    this.timing = timing;
    this.channelIdOf = channelIdOf;
  }

  /** Handles one interaction. Never throws. */
  async handle(interaction: Interaction): Promise<void> {
    const context = {
      interaction: interaction.id,
      type: interaction.type,
      user: interaction.user.id,
      channel: this.channelIdOf(interaction) ?? undefined,
      guild: interaction.guildId ?? undefined,
    };
    try {
      const inServer = Boolean(interaction.guildId && this.channelIdOf(interaction));
      if (!inServer && (interaction.isChatInputCommand() || interaction.isButton() || interaction.isAutocomplete())) {
        if (interaction.isAutocomplete()) {
          await interaction.respond([]);
          return;
        }
        // Channels, topics and digests belong to a channel; Discord always sends one for server interactions.
        await interaction.reply({
          content: 'PaperPulse answers in server channels only.',
          flags: MessageFlags.Ephemeral,
          allowedMentions: { parse: [] },
        });
        return;
      }
      if (interaction.isChatInputCommand()) await this.command(interaction);
      else if (interaction.isAutocomplete()) await this.autocomplete(interaction);
      else if (interaction.isButton()) await this.button(interaction);
      else this.log.debug(context, 'ignored an interaction of a kind PaperPulse does not use');
    } catch (err) {
      const code = discordCode(err);
      if (code === DISCORD_CODES.unknownInteraction) {
        this.log.warn({ ...context, err: safeError(err) }, 'interaction expired before it was answered');
      } else {
        this.log.error({ ...context, err: safeError(err) }, 'interaction failed');
      }
    }
  }

  private channel(interaction: Interaction): ChannelRef {
    return {
      platform: 'discord',
      address: discordAddress(interaction.guildId ?? '', this.channelIdOf(interaction) ?? ''),
    };
  }

  private user(interaction: Interaction) {
    return { id: interaction.user.id, displayName: interaction.user.globalName ?? interaction.user.username };
  }

  private async command(interaction: ChatInputCommandInteraction): Promise<void> {
    if (interaction.commandName !== ROOT_COMMAND) {
      await interaction.reply({
        content: `PaperPulse only knows /${ROOT_COMMAND}; this command is left over from an old deployment.`,
        flags: MessageFlags.Ephemeral,
        allowedMentions: { parse: [] },
      });
      return;
    }
    const { command, values } = readSubcommand(interaction.options.data);
    const started = Date.now();
    const work = this.dispatcher.dispatch({
      input: { kind: 'options', command, values },
      user: this.user(interaction),
      channel: this.channel(interaction),
      isManager: async () => isChannelManager(interaction.memberPermissions),
      postingProblems: (options) => this.postingProblems(interaction, options),
    });
    const deferred = await this.answer(interaction, work, values.public !== true);
    this.log.debug(
      { interaction: interaction.id, command, user: interaction.user.id, ms: Date.now() - started, deferred },
      'command answered',
    );
  }

  private async button(interaction: ButtonInteraction): Promise<void> {
    const work = this.dispatcher.dispatchAction({
      // Discord caps custom ids at 100 characters; the core checks the format and answers a stale id politely.
      actionId: interaction.customId.slice(0, 100),
      user: this.user(interaction),
      channel: this.channel(interaction),
      isManager: async () => isChannelManager(interaction.memberPermissions),
    });
    const ephemeralMessage = interaction.message.flags.has(MessageFlags.Ephemeral);
    const early = await within(work, this.timing.deferAfterMs);
    if (early !== 'timeout' && early.relabel && !ephemeralMessage) {
      const rows = relabelRows(
        interaction.message.components.map((row) => row.toJSON() as never),
        early.relabel,
      );
      if (rows) {
        // The press updates the card's own buttons (the channel's counts), then tells the presser privately.
        await interaction.update({ components: rows, allowedMentions: { parse: [] } });
        const [part] = renderMessage(early.message);
        await interaction.followUp(replyOptions(part!, MessageFlags.Ephemeral));
        return;
      }
    }
    await this.answer(interaction, work, ephemeralMessage);
  }

  private async autocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const { command, values, focused } = readSubcommand(interaction.options.data);
    let choices: Choice[] = [];
    if (interaction.commandName === ROOT_COMMAND && focused) {
      const suggestions = this.dispatcher.autocomplete({
        command,
        option: focused.name,
        partial: focused.value,
        values,
        channel: this.channel(interaction),
      });
      const result = await within(suggestions, this.timing.autocompleteTimeoutMs);
      if (result === 'timeout') {
        this.log.warn(
          { interaction: interaction.id, command, option: focused.name },
          'autocomplete too slow; answered empty',
        );
      } else {
        choices = result;
      }
    }
    await interaction.respond(
      choices
        // A value Discord would cut is no value at all: leave it out rather than send a wrong one.
        .filter((c) => c.value.length >= 1 && c.value.length <= COMMAND_LIMITS.choiceValue)
        .slice(0, COMMAND_LIMITS.choices)
        .map((c) => ({ name: clip(c.name || c.value, COMMAND_LIMITS.choiceName), value: c.value })),
    );
  }

  /**
   * Sends the dispatcher's answer within Discord's 3 seconds: directly when it is ready soon, else deferred and
   * then edited. Returns whether it deferred.
   */
  private async answer(
    interaction: Answerable,
    work: Promise<CommandResult>,
    ephemeralIfDeferred: boolean,
  ): Promise<boolean> {
    const early = await within(work, this.timing.deferAfterMs);
    if (early !== 'timeout') {
      const parts = renderMessage(early.message);
      const flags = early.ephemeral ? MessageFlags.Ephemeral : undefined;
      const { first, files } = placeFile(parts[0]!, early.message.file);
      await interaction.reply(replyOptions(first, flags, files));
      for (const part of parts.slice(1)) await interaction.followUp(replyOptions(part, flags));
      return false;
    }
    await interaction.deferReply(ephemeralIfDeferred ? { flags: MessageFlags.Ephemeral } : {});
    const result = await work;
    const parts = renderMessage(result.message);
    const { first, files } = placeFile(parts[0]!, result.message.file);
    await interaction.editReply({ ...editOptions(first), ...(files ? { files } : {}) });
    const flags = ephemeralIfDeferred ? MessageFlags.Ephemeral : undefined;
    for (const part of parts.slice(1)) await interaction.followUp(replyOptions(part, flags));
    return true;
  }

  /**
   * What would keep the digest from being posted here: Discord reports the bot's permissions in this channel with
   * every interaction (`app_permissions`).
   */
  private postingProblems(
    interaction: ChatInputCommandInteraction,
    options: { thread: boolean },
  ): PostingProblems | undefined {
    try {
      const missing = missingPostingPermissions(interaction.appPermissions, {
        thread: options.thread,
        inThread: interaction.channel?.isThread() ?? false,
      });
      return { missing, fix: "A server admin can grant them in the channel's settings → Permissions." };
    } catch (err) {
      // A hint is not worth losing the answer over.
      this.log.warn({ interaction: interaction.id, err: safeError(err) }, 'could not read the bot permissions');
      return undefined;
    }
  }
}

function replyOptions(
  part: RenderedMessage,
  flags: MessageFlags.Ephemeral | undefined,
  files?: DiscordFile[],
): InteractionReplyOptions {
  return {
    ...(files ? { files } : {}),
    ...(part.content !== undefined ? { content: part.content } : {}),
    ...(part.embeds ? { embeds: part.embeds } : {}),
    ...(part.components ? { components: part.components } : {}),
    allowedMentions: { parse: [] },
    ...(flags !== undefined ? { flags } : {}),
  };
}

/** An edit replaces the whole deferred message: absent parts are sent empty, so nothing of "thinking…" remains. */
function editOptions(part: RenderedMessage) {
  return {
    content: part.content ?? '',
    embeds: part.embeds ?? [],
    components: part.components ?? [],
    allowedMentions: { parse: [] as [] },
  };
}
