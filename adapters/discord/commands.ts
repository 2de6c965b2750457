/**
 * The `/papers` slash command, built from the core's command definitions: one subcommand per definition, one typed
 * option per OptionSpec (types, min/max, max_length, choices and autocomplete come from the core, so Discord's
 * client refuses out-of-range input before it reaches us; the core validates again anyway).
 *
 * Permissions: Discord stores `default_member_permissions` on a top-level command only; subcommands have no such
 * field (discord-api-docs, application-commands.mdx: the option structure has none). So `/papers` is open to
 * everyone by default, and the settings subcommands (subscribe, unsubscribe, digest …) are checked when they run
 * (Manage Channels or Manage Server). Server admins who want to hide `/papers` from some members entirely can do
 * so in Server Settings → Integrations → PaperPulse.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
} from 'discord.js';
import { type CommandSpec, clip, type OptionSpec, type OptionValue } from '../../src/index.js';
import { COMMAND_LIMITS } from './limits.js';

/** The one root command. */
export const ROOT_COMMAND = 'papers';
/** Shown under `/papers` in Discord's command picker (≤100 characters). */
export const ROOT_DESCRIPTION =
  'Hugging Face Daily Papers: trending, search, paper lookup, topics and the daily digest';

/** A typed option of a subcommand (application command option structure). */
export interface CommandOptionJson {
  type:
    | ApplicationCommandOptionType.String
    | ApplicationCommandOptionType.Integer
    | ApplicationCommandOptionType.Boolean;
  name: string;
  description: string;
  required?: boolean;
  min_value?: number;
  max_value?: number;
  max_length?: number;
  choices?: { name: string; value: string }[];
  autocomplete?: boolean;
}

/** One `/papers` subcommand. */
export interface SubcommandJson {
  type: ApplicationCommandOptionType.Subcommand;
  name: string;
  description: string;
  options: CommandOptionJson[];
}

/** The body of one chat-input command, as PUT to Discord. */
export interface PapersCommandJson {
  type: ApplicationCommandType.ChatInput;
  name: string;
  description: string;
  options: SubcommandJson[];
  /** Servers only: channels, topics and digests belong to a server channel. */
  contexts: InteractionContextType[];
  integration_types: ApplicationIntegrationType[];
}

const TYPES = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  boolean: ApplicationCommandOptionType.Boolean,
} as const;

function optionJson(spec: OptionSpec): CommandOptionJson {
  const json: CommandOptionJson = {
    type: TYPES[spec.type],
    name: spec.name,
    description: clip(spec.description, COMMAND_LIMITS.description),
  };
  if (spec.required) json.required = true;
  if (spec.type === 'integer') {
    if (spec.min !== undefined) json.min_value = spec.min;
    if (spec.max !== undefined) json.max_value = spec.max;
  }
  if (spec.type === 'string') {
    if (spec.maxLength !== undefined) {
      json.max_length = Math.min(COMMAND_LIMITS.stringLength, Math.max(1, spec.maxLength));
    }
    // Discord refuses `choices` together with `autocomplete`; a fixed list wins.
    if (spec.choices && spec.choices.length > 0) {
      json.choices = spec.choices.slice(0, COMMAND_LIMITS.choices).map((c) => ({
        name: clip(c, COMMAND_LIMITS.choiceName),
        value: c,
      }));
    } else if (spec.autocomplete) {
      json.autocomplete = true;
    }
  }
  return json;
}

/** One subcommand; Discord wants required options before optional ones. Options only the CLI offers are left out. */
export function subcommandJson(def: CommandSpec): SubcommandJson {
  const options = def.options
    .filter((o) => !o.cliOnly)
    .slice(0, COMMAND_LIMITS.options)
    .map(optionJson);
  return {
    type: ApplicationCommandOptionType.Subcommand,
    name: def.name,
    description: clip(def.description, COMMAND_LIMITS.description),
    options: [...options.filter((o) => o.required), ...options.filter((o) => !o.required)],
  };
}

/** The `/papers` command with a subcommand per core command. No `default_member_permissions`: see the file comment. */
export function papersCommandJson(defs: readonly CommandSpec[]): PapersCommandJson {
  return {
    type: ApplicationCommandType.ChatInput,
    name: ROOT_COMMAND,
    description: ROOT_DESCRIPTION,
    options: defs.slice(0, COMMAND_LIMITS.options).map(subcommandJson),
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}

/**
 * The characters Discord counts toward a command's 8000: names, descriptions and choice names/values at every
 * level (application-commands.mdx, "combined name, description and value properties").
 */
export function commandTextLength(command: PapersCommandJson): number {
  let total = command.name.length + command.description.length;
  for (const sub of command.options) {
    total += sub.name.length + sub.description.length;
    for (const option of sub.options) {
      total += option.name.length + option.description.length;
      for (const choice of option.choices ?? []) total += choice.name.length + choice.value.length;
    }
  }
  return total;
}

/** A received option, as discord.js gives it in `interaction.options.data`. */
export interface ReceivedOption {
  readonly name: string;
  readonly type: number;
  readonly value?: unknown;
  readonly focused?: boolean | undefined;
  readonly options?: readonly ReceivedOption[] | undefined;
}

/**
 * The subcommand and its option values from a `/papers` interaction's options. Values of other types than
 * string/number/boolean (none are declared) are dropped.
 */
export function readSubcommand(data: readonly ReceivedOption[]): {
  command: string;
  values: Record<string, OptionValue>;
  focused: { name: string; value: string } | undefined;
} {
  const sub = data.find((o) => o.type === ApplicationCommandOptionType.Subcommand);
  const values: Record<string, OptionValue> = {};
  let focused: { name: string; value: string } | undefined;
  for (const option of sub?.options ?? []) {
    const { value } = option;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      values[option.name] = value;
      if (option.focused) focused = { name: option.name, value: String(value) };
    }
  }
  return { command: sub?.name ?? '', values, focused };
}
