/**
 * Slack's message and Block Kit limits, and the budgets PaperPulse keeps under them.
 *
 * Sources: https://docs.slack.dev/reference/block-kit/blocks and the @slack/types JSDoc
 * (slackapi/node-slack-sdk packages/types/src/block-kit/blocks.ts and block-elements.ts).
 * Every length is in UTF-16 code units (JavaScript's `length`), which is never less than Slack's character count.
 */
export const SLACK_LIMITS = {
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** `header` block text (plain_text). */
  headerText: 150,
  /** `section` block text. */
  sectionText: 3_000,
  /** `section` fields: at most 10, each at most 2000 characters. */
  sectionFields: 10,
  fieldText: 2_000,
  /** `context` block elements. */
  contextElements: 10,
  /** One context element's text (a text object: the section limit). */
  contextElementText: 3_000,
  /** `actions` block elements. */
  actionsElements: 25,
  /** Button label (plain_text); Slack cuts it visually at about 30. */
  buttonText: 75,
  /** Button `value`, returned to us when it is pressed. */
  buttonValue: 2_000,
  /** `action_id` and `block_id`. */
  actionId: 255,
  /** Image `alt_text`. */
  altText: 2_000,
  /** Image and button URLs. */
  url: 3_000,
  /** Message `text`: Slack truncates longer ones. */
  messageText: 40_000,
} as const;

/**
 * What PaperPulse allows itself, inside the limits above.
 *
 * NOTE: Slack also refuses a message whose blocks hold too much text in all (`msg_blocks_too_long`) even when every
 * block is within its own limit; bolt-js issue #2509 reports it at about 13,200 characters. The renderer keeps the
 * total text of each message's blocks under `messageBlockText`, a margin below that.
 */
export const SLACK_BUDGET = {
  /** Total characters of text in one message's blocks (all text objects, URLs in links included). */
  messageBlockText: 12_000,
  /** The plain `text` fallback (notifications, old clients): short, the blocks carry the content. */
  fallbackText: 3_000,
  /** A paper card's title, TL;DR, authors line and topics line. */
  paperTitle: 300,
  paperTldr: 700,
  paperAuthors: 200,
  paperTopics: 300,
  /** One topic name inside the topics line. */
  topicName: 80,
  /** Parts of one reply sent through a `response_url`: Slack accepts 5 uses of one response_url. */
  responseParts: 5,
} as const;
