import { shortAuthors } from '../domain/paper.js';
import type { Action, Block, OutgoingMessage, PaperBlock } from './model.js';
import { CARD_LINE_MAX, CARD_LINES_MAX } from './model.js';

/**
 * How the plain-text rendering marks things up. Every style defaults to the text itself; the console and the CLI
 * pass terminal colours.
 */
export interface TextStyle {
  readonly heading: (text: string) => string;
  readonly title: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly error: (text: string) => string;
  /**
   * A line under a card for its buttons, where buttons cannot be shown (the console types their commands). None by
   * default: a message's text is about the papers, not the buttons.
   */
  readonly cardActions?: ((actions: readonly Action[]) => string | undefined) | undefined;
}

const same = (text: string) => text;
export const PLAIN: TextStyle = { heading: same, title: same, dim: same, warning: same, error: same };

/** Builds a message whose `text` is always the plain-text rendering of its blocks. */
export function message(blocks: readonly Block[], actions?: readonly Action[]): OutgoingMessage {
  return { text: toPlainText(blocks), blocks, ...(actions && actions.length > 0 ? { actions } : {}) };
}

/**
 * The one plain-text rendering of blocks: what the console and the CLI print, every message's `text`, and what an
 * adapter falls back on.
 */
export function toPlainText(blocks: readonly Block[], style: TextStyle = PLAIN): string {
  return blocks
    .map((block) => blockText(block, style))
    .join('\n')
    .trim();
}

function blockText(block: Block, style: TextStyle): string {
  switch (block.type) {
    case 'heading':
      return `\n${style.heading(block.text)}`;
    case 'text':
      return block.text;
    case 'note':
      if (block.tone === 'info') return block.text;
      return block.tone === 'warning' ? style.warning(`⚠ ${block.text}`) : style.error(`✖ ${block.text}`);
    case 'divider':
      return '';
    case 'paper':
      return paperText(block, style);
  }
}

/** Several lines per paper: title, authors, facts, TL;DR, links, matched topics. */
function paperText(p: PaperBlock, style: TextStyle): string {
  const facts = [
    `▲ ${p.upvotes}`,
    `${p.comments} comment${p.comments === 1 ? '' : 's'}`,
    ...(p.published ? [p.published] : []),
    ...(p.github ? [`code: ${p.github.url}${p.github.stars !== null ? ` (★ ${p.github.stars})` : ''}`] : []),
    ...(p.projectPage ? [`project: ${p.projectPage}`] : []),
  ];
  const authors = shortAuthors(p.authors);
  const actions = p.actions?.length ? style.cardActions?.(p.actions) : undefined;
  return [
    style.title(`${p.position !== undefined ? `${p.position}. ` : ''}${p.title}`),
    ...(authors ? [`   ${authors}`] : []),
    ...cardLines(p).map((line) => `   ${line}`),
    `   ${facts.join(' · ')}`,
    ...(p.tldr ? [`   TL;DR: ${p.tldr}`] : []),
    style.dim(`   ${p.url} · arXiv ${p.arxivUrl} · PDF ${p.pdfUrl}`),
    ...(p.topics.length ? [`   Topics: ${p.topics.join(', ')}`] : []),
    ...(p.reason ? [`   ✨ ${p.reason.before}*${p.reason.emphasis}*${p.reason.after}`] : []),
    ...(actions ? [actions] : []),
  ].join('\n');
}

/** A card's extra lines, as many and as long as every renderer shows them. */
export function cardLines(p: PaperBlock): string[] {
  return (p.lines ?? [])
    .slice(0, CARD_LINES_MAX)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0)
    .map((line) => (line.length > CARD_LINE_MAX ? `${line.slice(0, CARD_LINE_MAX - 1)}…` : line));
}
