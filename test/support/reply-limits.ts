import { renderMessage as renderDiscord } from '../../adapters/discord/render.js';
import { renderMessage as renderSlack } from '../../adapters/slack/render.js';
import type { OutgoingMessage } from '../../src/index.js';
import { validateMessage } from './fake-discord.js';
import { checkSlackBlocks } from './fake-slack.js';

/**
 * What is wrong with a reply, platform by platform (empty when it fits everywhere). Replies are never split by
 * the core, so each must fit what the platforms accept for one answer.
 */
export function replyFitsEveryPlatform(message: OutgoingMessage): string[] {
  const problems: string[] = [];
  // Slack truncates `text` at 40,000 characters; a reply is never near that.
  if (message.text.length > 40_000) problems.push(`text is ${message.text.length} characters`);
  for (const block of message.blocks) {
    if ((block.type === 'text' || block.type === 'note') && block.text.length > 3_000) {
      problems.push(`${block.type} block of ${block.text.length} characters`);
    }
    if (block.type === 'heading' && block.text.length > 150)
      problems.push(`heading of ${block.text.length} characters`);
  }
  return problems;
}

/**
 * What Discord and Slack would refuse of a reply once the adapters have rendered it (empty when both take every
 * part): each Discord part checked as the fake Discord API checks a message body, each Slack part as the fake
 * Slack API checks chat.postMessage blocks.
 */
export function replyRefusedByPlatforms(message: OutgoingMessage): string[] {
  const problems: string[] = [];
  renderDiscord(message).forEach((part, i) => {
    const refused = validateMessage(part);
    if (refused) problems.push(`discord part ${i}: ${JSON.stringify(refused).slice(0, 300)}`);
  });
  renderSlack(message).forEach((part, i) => {
    if (!part.text.trim() && part.blocks.length === 0) problems.push(`slack part ${i}: no_text`);
    const refused = checkSlackBlocks(part.blocks as unknown as Record<string, unknown>[]);
    if (refused) problems.push(`slack part ${i}: ${refused.error} ${refused.detail}`);
  });
  return problems;
}
