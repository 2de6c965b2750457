/**
 * A file that goes with an answer (the BibTeX export): inline as a code block when the whole answer then fits in
 * the first message's 2,000 characters, else attached to that message (an ephemeral answer's attachment is seen
 * by the caller only).
 */
import type { OutgoingFile } from '../../src/index.js';
import { MESSAGE_LIMITS } from './limits.js';
import type { RenderedMessage } from './render.js';

export interface DiscordFile {
  readonly attachment: Buffer;
  readonly name: string;
}

/** The code block of a file's content: a fence the content cannot close. */
export function codeBlock(file: OutgoingFile): string {
  const language = file.name.endsWith('.bib') ? 'bibtex' : '';
  return `\`\`\`${language}\n${file.content.replace(/```/g, '`\u200b``').trimEnd()}\n\`\`\``;
}

/** The first part with the file inline, or the file to attach to it. */
export function placeFile(
  first: RenderedMessage,
  file: OutgoingFile | undefined,
): { first: RenderedMessage; files?: DiscordFile[] } {
  if (!file) return { first };
  const inline = `${first.content ? `${first.content}\n` : ''}${codeBlock(file)}`;
  if (inline.length <= MESSAGE_LIMITS.content) return { first: { ...first, content: inline } };
  return { first, files: [{ attachment: Buffer.from(file.content, 'utf8'), name: file.name }] };
}
