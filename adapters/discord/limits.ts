/**
 * Discord's documented size limits (discord-api-docs `resources/message.mdx` "Embed Limits" and Create Message,
 * `interactions/application-commands.mdx`, `components/reference.mdx`). Every length is in characters and
 * inclusive; Discord trims leading and trailing whitespace before counting. The renderer and the fake Discord API
 * in the tests both read these numbers, so a change here is checked on both sides.
 */
export const MESSAGE_LIMITS = {
  /** `content` of one message. */
  content: 2000,
  /** Rich embeds in one message. */
  embeds: 10,
  /** title + description + field names/values + footer text + author name, summed over all embeds of a message. */
  embedTotal: 6000,
  /** Action rows in one message. */
  actionRows: 5,
  /** Buttons in one action row. */
  buttonsPerRow: 5,
  /** A message `nonce`. */
  nonce: 25,
} as const;

/** One embed's limits. */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
} as const;

/** Components (buttons). */
export const COMPONENT_LIMITS = {
  /** A button's `custom_id`: what Discord hands back when it is pressed. */
  customId: 100,
  /** A button's visible label. */
  buttonLabel: 80,
} as const;

/** Slash command definitions and autocomplete answers. */
export const COMMAND_LIMITS = {
  /** Command, subcommand and option names. */
  name: 32,
  description: 100,
  /** Options of one command or subcommand (subcommands count as options of the root). */
  options: 25,
  /** Choices of one option, and suggestions in one autocomplete answer. */
  choices: 25,
  /** A choice's name and a string choice's value. */
  choiceName: 100,
  choiceValue: 100,
  /** STRING option `max_length`. */
  stringLength: 6000,
  /** Names, descriptions and choice values of one command, all levels together. */
  totalText: 8000,
  /** Chat-input commands per application (global) or per guild. */
  commands: 100,
} as const;

/** Thread names (Start Thread from Message). */
export const THREAD_LIMITS = {
  name: 100,
} as const;
