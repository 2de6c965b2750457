import { shortAuthors } from '../domain/paper.js';
import type { Action, Block, OutgoingMessage, PaperBlock } from './model.js';

/** Builds a message whose `text` is always the plain-text rendering of its blocks. */
export function message(blocks: readonly Block[], actions?: readonly Action[]): OutgoingMessage {
  return { text: toPlainText(blocks), blocks, ...(actions && actions.length > 0 ? { actions } : {}) };
}

/** The plain-text rendering of blocks: what the console prints and what every adapter can fall back on. */
export function toPlainText(blocks: readonly Block[]): string {
  return blocks.map(blockText).join('\n').trim();
}

function blockText(block: Block): string {
  switch (block.type) {
    case 'heading':
      return `\n${block.text}`;
    case 'text':
      return block.text;
    case 'note':
      return block.tone === 'info' ? block.text : `${block.tone === 'warning' ? '⚠' : '✖'} ${block.text}`;
    case 'divider':
      return '';
    case 'paper':
      return paperText(block);
  }
}

/** Several lines per paper: title, facts, TL;DR, links, matched topics. */
export function paperText(p: PaperBlock): string {
  const facts = [
    `▲ ${p.upvotes}`,
    `${p.comments} comment${p.comments === 1 ? '' : 's'}`,
    ...(p.published ? [p.published] : []),
    ...(p.github ? [`code: ${p.github.url}${p.github.stars !== null ? ` (★ ${p.github.stars})` : ''}`] : []),
    ...(p.projectPage ? [`project: ${p.projectPage}`] : []),
  ];
  const authors = shortAuthors(p.authors);
  return [
    `${p.position !== undefined ? `${p.position}. ` : ''}${p.title}`,
    ...(authors ? [`   ${authors}`] : []),
    `   ${facts.join(' · ')}`,
    ...(p.tldr ? [`   TL;DR: ${p.tldr}`] : []),
    `   ${p.url} · arXiv ${p.arxivUrl} · PDF ${p.pdfUrl}`,
    ...(p.topics.length ? [`   Topics: ${p.topics.join(', ')}`] : []),
  ].join('\n');
}
