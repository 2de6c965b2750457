import type { OutgoingMessage } from '../../src/index.js';

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
