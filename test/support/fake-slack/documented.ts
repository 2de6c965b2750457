/**
 * What Slack documents about the API the fake imitates: every number the fake enforces, each with its source. This
 * is the fake's only source of numbers; it imports nothing from adapters/ or src/, so an adapter that believes a
 * wrong limit fails against it instead of agreeing with itself. Where Slack publishes no number, the comment says
 * "Undocumented" and what the fake assumes; those are options of the fake.
 *
 * `types:` cites the @slack/types JSDoc (slackapi/node-slack-sdk packages/types/src/block-kit/*.ts, as installed in
 * node_modules/@slack/types/dist/block-kit/*.d.ts).
 */

/** Block Kit — https://docs.slack.dev/reference/block-kit/blocks and types:blocks.ts, block-elements.ts. */
export const SLACK_BLOCKS = {
  /** "up to 50 blocks in each message" — docs.slack.dev/reference/block-kit/blocks. */
  perMessage: 50,
  /** `block_id` and `action_id`: "Maximum length for this field is 255 characters" — types:blocks.ts, extensions.ts. */
  blockId: 255,
  actionId: 255,
  /** Header text: "Maximum length for the text in this field is 150 characters" — types:blocks.ts HeaderBlock. */
  headerText: 150,
  /** Section text: "minimum length … is 1 and maximum length is 3000 characters" — types:blocks.ts SectionBlock. */
  sectionText: 3000,
  /** Section fields: "Maximum number of items is 10. Maximum length for the text in each item is 2000" — same. */
  sectionFields: 10,
  fieldText: 2000,
  /** Context elements: "Maximum number of items is 10" — types:blocks.ts ContextBlock. */
  contextElements: 10,
  /**
   * Undocumented: the text length of one context element (a text object); neither the block reference nor the
   * types give one. We assume the section text limit, 3000.
   */
  contextElementText: 3000,
  /** Actions: "There is a maximum of 25 elements in each action block" — types:blocks.ts ActionsBlock. */
  actionsElements: 25,
  /** Button text "Maximum length … 75", value "2000", url "3000" — types:block-elements.ts Button. */
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  /** Image `alt_text` "Maximum length for this field is 2000 characters" — types:blocks.ts ImageBlock. */
  altText: 2000,
  /**
   * Undocumented: the total text of one message's blocks. Slack answers `msg_blocks_too_long` although every block
   * is within its own limit; slackapi/bolt-js#2509 reports it at about 13,200 characters. We assume 13,200.
   */
  totalText: 13_200,
} as const;

/** Message text — chat.postMessage `text`: "Provide no more than 40,000 characters or risk truncation". */
export const SLACK_TEXT = { truncatedAt: 40_000 } as const;

/**
 * Rate limits — https://docs.slack.dev/apis/web-api/rate-limits (per method, per workspace, per app).
 * Tier 1 "1+ per minute", Tier 2 "20+", Tier 3 "50+", Tier 4 "100+". Over a limit: HTTP 429 with a `Retry-After`
 * header in seconds.
 */
export const SLACK_RATE_LIMITS = {
  /** chat.postMessage: "generally allows posting one message per second per channel" (Special Tier). */
  channelIntervalMs: 1_000,
  /**
   * Undocumented: "short bursts >1 allowed. If you attempt bursts, there is no guarantee" — no burst size is
   * published. We assume none (1): a client that relies on bursts is not guaranteed them.
   */
  channelBurst: 1,
  /**
   * Undocumented: chat.postMessage also has "a workspace-wide limit" with no published number. We assume 5 messages
   * per second per workspace (an option of the fake).
   */
  workspaceMessages: 5,
  workspaceWindowMs: 1_000,
  /** conversations.history: "Tier 3: 50+ per minute" (method page) for internal and Marketplace apps. */
  historyPerMinute: 50,
  /**
   * conversations.history since 2025-05-29 for commercially distributed non-Marketplace apps: "rate limited to 1
   * request per minute" and limit "reduced to 15 objects" (method page). Not the default; pass it as options.
   */
  historyNonMarketplace: { perMinute: 1, maxLimit: 15 },
  /** files.getUploadURLExternal and files.completeUploadExternal: "Tier 4" (method pages, api.slack.com). */
  filesPerMinute: 100,
  /** The tiers count requests per minute. */
  windowMs: 60_000,
  /** `Retry-After` is "the number of seconds" to wait (rate-limits page): one unit is 1000 ms. */
  retryAfterUnitMs: 1_000,
} as const;

/** conversations.history arguments — https://docs.slack.dev/reference/methods/conversations.history. */
export const SLACK_HISTORY = {
  /** `limit`: "Default: 100". */
  defaultLimit: 100,
  /** "specify a limit value under 1000"; slack-api-ref: "Maximum of 999". */
  maxLimit: 999,
} as const;

/** conversations.replies arguments — https://docs.slack.dev/reference/methods/conversations.replies. */
export const SLACK_REPLIES = {
  /** `limit`: "Default: 1000" (method page; slack-api-ref methods/conversations/conversations.replies.json). */
  defaultLimit: 1000,
} as const;

/**
 * Acknowledgements — the app must answer Slack's request within 3 seconds: "you only have 3 seconds to respond
 * before Slack registers a timeout error" (https://docs.slack.dev/tools/bolt-python/concepts/acknowledge); the user
 * then sees "Timeout was reached". Events API deliveries are retried "up to 3 times … nearly immediately, after 1
 * minute, after 5 minutes" after a failure or a response slower than 3 s (Events API docs, platform-facts §B11).
 */
export const SLACK_ACK = {
  timeoutMs: 3_000,
  eventRetryDelaysMs: [0, 60_000, 5 * 60_000],
} as const;

/**
 * response_url: "You can use a response_url to respond to a user command up to 5 times within 30 minutes of the
 * user's invocation" (https://api.slack.com/interactivity/slash-commands, as quoted in platform-facts §B3).
 */
export const SLACK_RESPONSE_URL = {
  maxUses: 5,
  ttlMs: 30 * 60_000,
  /**
   * Undocumented: what Slack answers a use past the limit or after expiry. We assume HTTP 404 with
   * `{"ok":false,"error":"expired_url"}` (expired) or `used_url` (used up): a non-2xx that Bolt's respond() raises
   * as a RespondError.
   */
  expiredStatus: 404,
} as const;

/**
 * Message metadata — https://docs.slack.dev/messaging/message-metadata: `metadata: { event_type, event_payload }`.
 * "Event types can contain letters, numbers, underscores, and hyphens, but not periods or other punctuation.
 * Metadata with an invalid `event_type` returns an `invalid_metadata_schema` warning and is ignored." chat.postMessage
 * lists the errors `invalid_metadata_format`, `invalid_metadata_schema` and `metadata_too_large` ("Metadata exceeds
 * size limit": no size is published).
 */
export const SLACK_METADATA = {
  eventType: /^[A-Za-z0-9_-]+$/,
  /** Undocumented: the size limit behind metadata_too_large. We assume none unless a test sets one. */
  maxBytes: Number.POSITIVE_INFINITY,
} as const;

/**
 * Scopes — method pages on docs.slack.dev: conversations.history needs `channels:history` (public channels),
 * `groups:history` (private), `im:history`, `mpim:history`; files.getUploadURLExternal and
 * files.completeUploadExternal need `files:write`. A token without the scope gets
 * `{ ok: false, error: 'missing_scope', needed, provided }` (WebAPICallResult fields `needed`/`provided`).
 */
export const SLACK_SCOPES = {
  history: { public: 'channels:history', private: 'groups:history', im: 'im:history', mpim: 'mpim:history' },
  files: 'files:write',
  /** conversations.open of a direct message (bot tokens: `im:write`). */
  im: 'im:write',
  /**
   * The bot scopes an installation has unless a test says otherwise: an app installed without the history scopes
   * and without files:write / im:write. A test gives an installation `channels:history` / `groups:history` explicitly.
   */
  defaults: ['commands', 'chat:write', 'chat:write.public', 'users:read'],
} as const;

/**
 * File uploads — files.getUploadURLExternal (`filename`, `length` required; `alt_txt`, `snippet_type`), a POST of the
 * bytes to the `upload_url` ("raw bytes or … multipart form encoded"; Slack answers 200), then
 * files.completeUploadExternal (`files` = [{id, title?}] required; `channel_id`, `initial_comment`, `thread_ts`).
 * files.upload is deprecated. Errors from the method pages (slack-ruby/slack-api-ref methods/files/*.json).
 */
export const SLACK_FILES = {
  /** `alt_txt_too_large`: "longer than the limit of 1000 character". */
  altText: 1000,
  /** `snippet_too_large`: "snippets … are limited to 1MB". */
  snippetBytes: 1024 * 1024,
} as const;
