/**
 * What Discord documents about the API the fake imitates: every number the fake enforces, each with its source.
 * This is the fake's only source of numbers; it imports nothing from adapters/ or src/, so an adapter that believes
 * a wrong limit fails against it instead of agreeing with itself.
 *
 * Sources are discord/discord-api-docs at c98d64b (2026-08-06), cited as `docs:<path>`, unless another URL is given.
 * Where the docs give no number, the comment says "Undocumented" and what the fake assumes.
 */

const MiB = 1024 * 1024;

/** Create Message and embeds. Lengths are in characters, inclusive, counted after trimming (message.mdx l.607). */
export const DISCORD_MESSAGE = {
  /** `content`: "up to 2000 characters" — docs:developers/resources/message.mdx, Create Message params. */
  content: 2000,
  /** `embeds`: "Up to 10 `rich` embeds" — same table. */
  embeds: 10,
  /** Sum of title, description, field names/values, footer text and author name over all embeds — message.mdx l.619. */
  embedTotal: 6000,
  /** `nonce`: "up to 25 characters" — Create Message params. */
  nonce: 25,
  /** "Legacy messages allow up to 5 action rows as top-level components" — docs:developers/components/reference.mdx. */
  actionRows: 5,
  /** "An Action Row can contain up to 5 Buttons" — components/reference.mdx, Action Row. */
  buttonsPerRow: 5,
} as const;

/** One embed's limits — docs:developers/resources/message.mdx "Embed Limits" (l.603–619). */
export const DISCORD_EMBED = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
} as const;

/** Buttons — docs:developers/components/reference.mdx, Button structure. */
export const DISCORD_COMPONENT = {
  /** `custom_id`: "1-100 characters". */
  customId: 100,
  /** `label`: "max 80 characters". */
  buttonLabel: 80,
} as const;

/** Application commands — docs:developers/interactions/application-commands.mdx. */
export const DISCORD_COMMAND = {
  /** Names "1-32 characters" (l.29) matching the CHAT_INPUT naming regex (l.18). */
  name: 32,
  /** "1-100 characters" (l.31). */
  description: 100,
  /** "max of 25" options (l.33, l.77). */
  options: 25,
  /** "Choices for the user to pick from, max 25" (l.76); autocomplete answers "max of 25 choices" (receiving-and-responding.mdx l.313). */
  choices: 25,
  /** Choice name "1-100 character" and string value "up to 100 characters" (l.122–124). */
  choiceName: 100,
  choiceValue: 100,
  /** STRING `max_length`: "minimum of 1, maximum of 6000" (l.82). */
  stringLength: 6000,
  /** "a maximum of 8000 characters for combined name, description, and value properties" (l.450). */
  totalText: 8000,
  /** "100 global CHAT_INPUT commands", the same per guild (l.169–175). */
  commands: 100,
} as const;

/** CHAT_INPUT command and option names — application-commands.mdx l.18. */
export const DISCORD_COMMAND_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Start Thread from Message: `name` "1-100 character channel name" — docs:developers/resources/channel.mdx. */
export const DISCORD_THREAD = { name: 100 } as const;

/** Files — docs:developers/reference.mdx "Uploading Files", message.mdx "Create Message" limitations. */
export const DISCORD_FILES = {
  /** "The default limit is `10 MiB` for all users" per file (higher with Nitro or a boosted server). */
  fileBytes: 10 * MiB,
  /** "The maximum request size when sending a message is **25 MiB**" (message.mdx l.1072). */
  requestBytes: 25 * MiB,
  /** JSON error 30015 "Maximum number of attachments in a message reached (10)" — docs:developers/topics/opcodes-and-status-codes.mdx. */
  files: 10,
  /** Attachment `description` (alt text) "max 1024 characters" — message.mdx attachment structure. */
  description: 1024,
} as const;

/** Get Channel Messages — docs:developers/resources/message.mdx "Get Channel Messages" (l.893–914). */
export const DISCORD_HISTORY = {
  /** `limit`: "Max number of messages to return (1-100)", default 50. */
  maxLimit: 100,
  defaultLimit: 50,
} as const;

/** Rate limits — docs:developers/topics/rate-limits.mdx. */
export const DISCORD_RATE_LIMITS = {
  /** "All bots can make up to 50 requests per second to our API" (Global Rate Limit). Interaction endpoints are exempt. */
  globalPerSecond: 50,
  /**
   * Undocumented: Discord says "rate limits should not be hard coded" and publishes no per-channel number. We assume
   * the bucket commonly seen in X-RateLimit headers for Create Message: 5 per 5 s per channel.
   */
  channelMessages: { limit: 5, windowMs: 5_000 },
  /**
   * "10,000 per 10 minutes" invalid (401/403/429) requests before a temporary Cloudflare ban (Invalid Request Limit);
   * 429s with `X-RateLimit-Scope: shared` do not count. The fake counts them (`stats.invalidRequests`) but never bans.
   */
  invalidRequests: { limit: 10_000, windowMs: 10 * 60_000 },
} as const;

/** Interactions — docs:developers/interactions/receiving-and-responding.mdx l.351, l.432. */
export const DISCORD_INTERACTIONS = {
  /** "you must send an initial response within 3 seconds of receiving the event". */
  initialResponseMs: 3_000,
  /** "Interaction tokens are valid for 15 minutes". */
  tokenMs: 15 * 60_000,
} as const;

/**
 * `enforce_nonce`: "If true and nonce is present, it will be checked for uniqueness in the past few minutes. If
 * another message was created by the same author with the same nonce, that message will be returned and no new
 * message will be created." — message.mdx, Create Message params.
 */
/**
 * Snowflakes — docs:developers/reference.mdx "Snowflakes": "Timestamp: Milliseconds since Discord Epoch, the first
 * second of 2015 or 1420070400000", in the bits from 22 up ("(snowflake >> 22) + 1420070400000").
 */
export const DISCORD_SNOWFLAKE = {
  epochMs: 1_420_070_400_000n,
  timestampShift: 22n,
} as const;

export const DISCORD_NONCE = {
  /** Undocumented: "the past few minutes" has no number; we assume 5 minutes. */
  windowMs: 5 * 60_000,
} as const;

/**
 * Discord's JSON error codes the fake answers with — docs:developers/topics/opcodes-and-status-codes.mdx "JSON Error
 * Codes", with the HTTP statuses Discord pairs them with.
 */
export const DISCORD_ERRORS = {
  general: 0,
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownWebhook: 10015,
  unknownInteraction: 10062,
  maxAttachments: 30015,
  requestTooLarge: 40005,
  alreadyAcknowledged: 40060,
  missingAccess: 50001,
  emptyMessage: 50006,
  missingPermissions: 50013,
  invalidFormBody: 50035,
  fileTooLarge: 50045,
  invalidJson: 50109,
  threadAlreadyCreated: 160004,
} as const;
