/**
 * A file that goes with an answer (the BibTeX export). Inline as a code block when it fits one section of the
 * (ephemeral) answer; otherwise uploaded (files.getUploadURLExternal + completeUploadExternal, scope `files:write`)
 * into the caller's direct message with the app (conversations.open, scope `im:write`), so only the caller sees it:
 * shared into the channel, it would show one person's list to everyone there.
 */
import type { WebClient } from '@slack/web-api';
import type { OutgoingFile } from '../../src/index.js';
import { SLACK_LIMITS } from './limits.js';
import { escapeEntities } from './render.js';

/** The file as a section with a code block, when it fits one. */
export function inlineFile(
  file: OutgoingFile,
): { type: 'section'; text: { type: 'mrkdwn'; text: string } } | undefined {
  const text = `\`\`\`${escapeEntities(file.content.replace(/```/g, '`\u200b``').trimEnd())}\`\`\``;
  return text.length <= SLACK_LIMITS.sectionText ? { type: 'section', text: { type: 'mrkdwn', text } } : undefined;
}

/** Uploads the file into the user's direct message with the app; returns the file id. */
export async function sendFileToUser(client: WebClient, userId: string, file: OutgoingFile): Promise<string> {
  const opened = await client.conversations.open({ users: userId });
  const channel = opened.channel?.id;
  if (!channel) throw new Error('conversations.open returned no channel');
  const result = (await client.filesUploadV2({
    channel_id: channel,
    file: Buffer.from(file.content, 'utf8'),
    filename: file.name,
    title: file.name,
    initial_comment: `Your PaperPulse reading list (${file.name})`,
  })) as { files?: { files?: { id?: string }[] }[] };
  return result.files?.[0]?.files?.[0]?.id ?? '';
}
