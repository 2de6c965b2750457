/**
 * Drives the real Discord adapter (real discord.js client, real HTTP to FakeDiscord) the way Discord does: raw
 * INTERACTION_CREATE payloads are handed to discord.js's own gateway action (`client.actions.InteractionCreate`),
 * and what the user saw is read back from the fake's interaction callback and webhook records.
 */
import { PermissionFlagsBits } from 'discord.js';
import type { DiscordAdapterConfig, DiscordAdapterOptions } from '../../adapters/discord/config.js';
import { DISCORD_TRAITS } from '../../adapters/discord/index.js';
import { DiscordPlatform } from '../../adapters/discord/platform.js';
import type { CommandSpec, Logger } from '../../src/index.js';
import { createPapersCommands } from '../../src/index.js';
import { silentLog } from './databases.js';
import { type FakeDiscord, messageText } from './fake-discord.js';

export const GUILD_ID = '2000000000000000001';
export const CHANNEL_ID = '3000000000000000001';
export const USER_ID = '4000000000000000001';
const COMMAND_ID = '5000000000000000001';

/** Manage Channels + the usual member rights. */
export const MANAGER_PERMISSIONS =
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageChannels;
export const MEMBER_PERMISSIONS = PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages;
/** What the bot is granted by the invite URL. */
export const BOT_CHANNEL_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.SendMessagesInThreads;

/** The address of the harness's channel. */
export const ADDRESS = `${GUILD_ID}/${CHANNEL_ID}`;

/** The environment that turns Discord on with the fake's credentials. */
export function discordEnv(fake: FakeDiscord): Record<string, string> {
  return { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId };
}

/** Test-only options: REST at the fake, no gateway (interactions are handed to discord.js as the gateway would). */
export function fakeOptions(fake: FakeDiscord, options: DiscordAdapterOptions = {}): DiscordAdapterOptions {
  return { api: fake.api, connect: async () => {}, ...options };
}

export function discordConfig(fake: FakeDiscord, options: DiscordAdapterOptions = {}): DiscordAdapterConfig {
  return { token: fake.token, applicationId: fake.applicationId, shards: 'auto', options: fakeOptions(fake, options) };
}

/** The adapter pointed at the fake, without a gateway connection. */
export function fakeDiscordAdapter(
  fake: FakeDiscord,
  options: DiscordAdapterOptions & { log?: Logger } = {},
): DiscordPlatform {
  const { log, ...rest } = options;
  return new DiscordPlatform(discordConfig(fake, rest), { log: log ?? silentLog }, DISCORD_TRAITS);
}

let sequence = 0n;
const nextId = () => String(6_000_000_000_000_000_000n + ++sequence);

export interface RawOption {
  name: string;
  type: number;
  value: string | number | boolean;
  focused?: boolean;
}

export interface PayloadOptions {
  readonly channelId?: string;
  readonly guildId?: string;
  readonly userId?: string;
  /** Member permissions; default: a manager. */
  readonly permissions?: bigint;
  /** The bot's permissions in the channel (`app_permissions`). */
  readonly appPermissions?: bigint;
}

function base(type: number, options: PayloadOptions, applicationId: string) {
  const id = nextId();
  const guildId = options.guildId ?? GUILD_ID;
  const userId = options.userId ?? USER_ID;
  return {
    id,
    application_id: applicationId,
    type,
    token: `interaction-token-${id}`,
    version: 1,
    locale: 'en-US',
    guild_locale: 'en-US',
    guild_id: guildId,
    channel_id: options.channelId ?? CHANNEL_ID,
    // Discord sends the partial channel too; discord.js takes `interaction.channelId` from it.
    channel: {
      id: options.channelId ?? CHANNEL_ID,
      type: 0,
      guild_id: guildId,
      name: 'papers',
      position: 0,
      permission_overwrites: [],
      nsfw: false,
      parent_id: null,
      topic: null,
      last_message_id: null,
      rate_limit_per_user: 0,
      flags: 0,
    },
    app_permissions: String(options.appPermissions ?? BOT_CHANNEL_PERMISSIONS),
    entitlements: [],
    authorizing_integration_owners: { '0': guildId },
    context: 0,
    attachment_size_limit: 10_485_760,
    member: {
      user: { id: userId, username: 'ada', discriminator: '0', global_name: 'Ada', avatar: null },
      roles: [],
      permissions: String(options.permissions ?? MANAGER_PERMISSIONS),
      joined_at: '2024-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      flags: 0,
      nick: null,
      avatar: null,
      premium_since: null,
      pending: false,
      communication_disabled_until: null,
    },
  };
}

/** A `/papers <command>` chat-input interaction. */
export function chatInput(fake: FakeDiscord, command: string, options: RawOption[], payload: PayloadOptions = {}) {
  return {
    ...base(2, payload, fake.applicationId),
    data: { id: COMMAND_ID, name: 'papers', type: 1, options: [{ name: command, type: 1, options }] },
  };
}

/** An autocomplete interaction: `focused` is the option being typed. */
export function autocomplete(fake: FakeDiscord, command: string, options: RawOption[], payload: PayloadOptions = {}) {
  return {
    ...base(4, payload, fake.applicationId),
    data: { id: COMMAND_ID, name: 'papers', type: 1, options: [{ name: command, type: 1, options }] },
  };
}

/** A button press on a message the bot sent earlier. */
export function buttonPress(fake: FakeDiscord, customId: string, ephemeral: boolean, payload: PayloadOptions = {}) {
  const raw = base(3, payload, fake.applicationId);
  return {
    ...raw,
    data: { custom_id: customId, component_type: 2 },
    // The ephemeral or public reply (type 20: a chat-input command's) that carried the button.
    message: fake.messageObject(
      nextId(),
      raw.channel_id,
      {
        content: 'Search results',
        components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: customId, label: 'More' }] }],
        flags: ephemeral ? 64 : 0,
      },
      { type: 20, webhook_id: fake.applicationId, application_id: fake.applicationId },
    ),
  };
}

const OPTION_TYPES = { string: 3, integer: 4, boolean: 5 } as const;

/**
 * A line of text as a Discord user would fill the subcommand's typed options: words go to the options in order, a
 * `rest` option takes the remainder, a trailing `public` sets the public flag.
 */
export function textToOptions(def: CommandSpec, text: string): RawOption[] {
  const options: RawOption[] = [];
  let words = text.trim() ? text.trim().split(/\s+/) : [];
  const flag = def.options.find((o) => o.flag);
  if (flag && words.at(-1)?.toLowerCase() === flag.flag) {
    options.push({ name: flag.name, type: OPTION_TYPES.boolean, value: true });
    words = words.slice(0, -1);
  }
  for (const spec of def.options.filter((o) => !o.flag && !o.cliOnly)) {
    if (words.length === 0) break;
    const value = spec.rest ? words.join(' ') : words[0]!;
    words = spec.rest ? [] : words.slice(1);
    options.push({
      name: spec.name,
      type: OPTION_TYPES[spec.type],
      value: spec.type === 'integer' ? Number(value) : value,
    });
  }
  return options;
}

const definitions = createPapersCommands();

/** The command's definition, for textToOptions. */
export function definition(command: string): CommandSpec {
  const def = definitions.get(command);
  if (!def) throw new Error(`no command ${command}`);
  return def;
}

/**
 * Hands a raw interaction to discord.js as the gateway would, registers it with the fake (so its 3-second deadline
 * runs from now), and waits until the adapter has answered.
 */
export async function send(platform: DiscordPlatform, fake: FakeDiscord, raw: { id: string; token: string }) {
  fake.expectInteraction(raw.id, raw.token);
  // `client.actions` is discord.js's private gateway dispatcher: what the gateway hands INTERACTION_CREATE to.
  (platform.client as any).actions.InteractionCreate.handle(raw);
  await platform.whenIdle();
  return fake.answers(raw.id);
}

/** Everything the user saw of an interaction's answers, as text. */
export function seen(fake: FakeDiscord, interactionId: string): string {
  return fake
    .answers(interactionId)
    .map((a) => {
      if (a.kind === 'callback') return messageText((a.body?.data as Record<string, unknown> | undefined) ?? undefined);
      if (a.kind === 'delete') return '';
      return messageText(a.body);
    })
    .filter(Boolean)
    .join('\n');
}
