/**
 * The pure Slack renderer: OutgoingMessage → one or more Block Kit messages, each inside Slack's limits
 * (limits.ts). Too much for one message is split between blocks (between papers, never inside one); text that is
 * too long for its field is cut with an ellipsis. Nothing here throws on long input.
 */
import {
  type Block,
  CARD_LINE_MAX,
  cardLines,
  clip,
  type NoteBlock,
  type OutgoingMessage,
  type PaperBlock,
  shortAuthors,
  toPlainText,
} from '../../src/index.js';
import { SLACK_BUDGET, SLACK_LIMITS } from './limits.js';

/** A Block Kit text object. */
export interface SlackText {
  readonly type: 'plain_text' | 'mrkdwn';
  readonly text: string;
  readonly emoji?: boolean;
}

export interface SlackImageElement {
  readonly type: 'image';
  readonly image_url: string;
  readonly alt_text: string;
}

export interface SlackButton {
  readonly type: 'button';
  readonly action_id: string;
  readonly text: SlackText;
  readonly value: string;
}

/** The blocks this renderer produces (a subset of @slack/types KnownBlock, with the same JSON shape). */
export type SlackBlock =
  | { readonly type: 'header'; readonly text: SlackText }
  | { readonly type: 'section'; readonly text: SlackText; readonly accessory?: SlackImageElement }
  | { readonly type: 'context'; readonly elements: readonly SlackText[] }
  | { readonly type: 'divider' }
  | { readonly type: 'actions'; readonly elements: readonly SlackButton[] };

/** One chat message: blocks plus the plain `text` fallback Slack shows in notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: readonly SlackBlock[];
}

export interface RenderOptions {
  /**
   * Put everything before the first paper in a message of its own (the thread root), the papers in the following
   * messages. Ignored when the message has no paper.
   */
  readonly thread?: boolean | undefined;
  /** Show paper thumbnails (default true); off when Slack could not fetch one (see SlackPlatform). */
  readonly images?: boolean | undefined;
}

/** Prefix of the `action_id` of our buttons; the core's Action.id travels in the button's `value`. */
export const ACTION_PREFIX = 'paperpulse:';

const ELLIPSIS = '…';

/**
 * Renders a message as one or more Slack messages. Every message respects the block count, per-field lengths and
 * the total block-text budget (SLACK_BUDGET.messageBlockText); buttons go on the last one.
 *
 * @example
 * for (const part of renderMessage(digest, { thread: true })) await client.chat.postMessage({ channel, ...part });
 */
export function renderMessage(message: OutgoingMessage, options: RenderOptions = {}): SlackMessage[] {
  const images = options.images !== false;
  const units = message.blocks.flatMap((block) => renderBlock(block, images));
  const firstPaper = units.findIndex((u) => u.kind === 'paper');
  const groups = options.thread && firstPaper > 0 ? [units.slice(0, firstPaper), units.slice(firstPaper)] : [units];
  const parts = groups.flatMap((group) => pack(group));
  const buttons = renderButtons(message.actions ?? []);
  if (buttons) attachActions(parts, buttons);
  if (parts.length === 0) return [{ text: mrkdwn(message.text, SLACK_BUDGET.fallbackText) || ' ', blocks: [] }];
  return parts.map((part) => ({
    text: mrkdwn(toPlainText(part.sources), SLACK_BUDGET.fallbackText) || ' ',
    blocks: part.units.flatMap((u) => u.blocks),
  }));
}

/** Characters of text in blocks, as Slack adds them up for `msg_blocks_too_long`: every text object's text. */
export function blockTextLength(blocks: readonly SlackBlock[]): number {
  let total = 0;
  for (const block of blocks) {
    switch (block.type) {
      case 'header':
      case 'section':
        total += block.text.text.length;
        break;
      case 'context':
        for (const e of block.elements) total += e.text.length;
        break;
      case 'actions':
        for (const e of block.elements) total += e.text.text.length;
        break;
      case 'divider':
        break;
    }
  }
  return total;
}

// --- units: one model block becomes one unit (a paper) or several (long text), never split further ---

interface Unit {
  readonly kind: 'paper' | 'heading' | 'divider' | 'other';
  readonly blocks: SlackBlock[];
  readonly chars: number;
  /** The model blocks behind it, for the plain-text fallback. */
  readonly sources: Block[];
}

const unit = (kind: Unit['kind'], blocks: SlackBlock[], sources: Block[]): Unit => ({
  kind,
  blocks,
  chars: blockTextLength(blocks),
  sources,
});

function renderBlock(block: Block, images: boolean): Unit[] {
  switch (block.type) {
    case 'heading': {
      const text = plain(block.text, SLACK_LIMITS.headerText);
      return text
        ? [unit('heading', [{ type: 'header', text: { type: 'plain_text', text, emoji: true } }], [block])]
        : [];
    }
    case 'text':
      return chunkText(block.text).map((chunk) =>
        unit('other', [section(mrkdwn(chunk, SLACK_LIMITS.sectionText))], [{ type: 'text', text: chunk }]),
      );
    case 'note':
      return renderNote(block);
    case 'divider':
      return [unit('divider', [{ type: 'divider' }], [block])];
    case 'paper':
      return [unit('paper', renderPaper(block, images), [block])];
  }
}

function renderNote(note: NoteBlock): Unit[] {
  if (!note.text.trim()) return [];
  if (note.tone === 'info') {
    const text = mrkdwn(note.text, SLACK_LIMITS.contextElementText);
    return [unit('other', [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }], [note])];
  }
  const icon = note.tone === 'warning' ? ':warning: ' : ':x: ';
  return [unit('other', [section(icon + mrkdwn(note.text, SLACK_LIMITS.sectionText - icon.length))], [note])];
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });

/** A paper card: the linked title, authors and TL;DR in a section (thumbnail beside it), facts and topics below. */
export function renderPaper(p: PaperBlock, images = true): SlackBlock[] {
  const title = mrkdwn(p.title, SLACK_BUDGET.paperTitle) || p.id;
  const position = p.position !== undefined ? `${p.position}. ` : '';
  const lines = [`*${position}${link(p.url, title)}*`];
  const authors = shortAuthors(p.authors);
  if (authors) lines.push(mrkdwn(authors, SLACK_BUDGET.paperAuthors));
  if (p.tldr.trim()) lines.push(mrkdwn(p.tldr, SLACK_BUDGET.paperTldr));
  for (const line of cardLines(p)) lines.push(mrkdwn(line, CARD_LINE_MAX));
  // Each piece is bounded above (title, authors, TL;DR, a URL of at most MAX_LINK_URL), so the text fits 3000.
  const text: SlackText = { type: 'mrkdwn', text: lines.join('\n') };
  const thumbnail = images && p.thumbnailUrl && isWebUrl(p.thumbnailUrl) ? p.thumbnailUrl : undefined;
  const card: SlackBlock = thumbnail
    ? {
        type: 'section',
        text,
        accessory: { type: 'image', image_url: thumbnail, alt_text: plain(p.title, 150) || p.id },
      }
    : { type: 'section', text };

  const facts = [
    `▲ ${p.upvotes}`,
    `${p.comments} comment${p.comments === 1 ? '' : 's'}`,
    ...(p.published ? [p.published] : []),
    ...(p.github ? [`${link(p.github.url, 'code')}${p.github.stars !== null ? ` (★ ${p.github.stars})` : ''}`] : []),
    ...(p.projectPage ? [link(p.projectPage, 'project page')] : []),
    link(p.arxivUrl, 'arXiv'),
    link(p.pdfUrl, 'PDF'),
  ];
  const elements: SlackText[] = [{ type: 'mrkdwn', text: joinWithin(facts, ' · ', SLACK_LIMITS.contextElementText) }];
  if (p.reason) {
    const r = p.reason;
    const gap = /^[,.;:]/.test(r.after.trim()) ? '' : ' ';
    elements.push({
      type: 'mrkdwn',
      text: `✨ ${mrkdwn(r.before, 60)} _${mrkdwn(r.emphasis, 100)}_${gap}${mrkdwn(r.after, 60)}`,
    });
  }
  if (p.topics.length > 0) {
    const names = p.topics.map((t) => clip(t, SLACK_BUDGET.topicName));
    elements.push({ type: 'mrkdwn', text: `Topics: ${mrkdwn(names.join(', '), SLACK_BUDGET.paperTopics)}` });
  }
  // The card's own buttons (Save, Similar, votes…) sit right under it.
  const buttons = renderButtons(p.actions ?? [], `${p.id}:`);
  return [card, { type: 'context', elements }, ...(buttons ? [buttons] : [])];
}

/**
 * An actions block for buttons (at most 25; a button whose id cannot be carried is left out). The core's Action.id
 * travels in the button's `value`; `action_id` is made unique in the message (Slack asks for unique ones within a
 * block; a card's are prefixed with its paper id, so they stay unique across cards too).
 */
function renderButtons(
  actions: readonly { readonly id: string; readonly label: string }[],
  idPrefix = '',
): SlackBlock | undefined {
  const elements: SlackButton[] = actions
    .filter((a) => a.id.length > 0 && a.id.length <= SLACK_LIMITS.buttonValue)
    .slice(0, SLACK_LIMITS.actionsElements)
    .map((a, i) => ({
      type: 'button',
      action_id: `${ACTION_PREFIX}${idPrefix}${i}`,
      text: { type: 'plain_text', text: plain(a.label, SLACK_LIMITS.buttonText) || 'More', emoji: true },
      value: a.id,
    }));
  return elements.length > 0 ? { type: 'actions', elements } : undefined;
}

// --- packing units into messages ---

interface Part {
  units: Unit[];
  blocks: number;
  chars: number;
  readonly sources: Block[];
}

const newPart = (): Part => ({ units: [], blocks: 0, chars: 0, sources: [] });

function fits(part: Part, blocks: number, chars: number): boolean {
  return part.blocks + blocks <= SLACK_LIMITS.blocksPerMessage && part.chars + chars <= SLACK_BUDGET.messageBlockText;
}

function add(part: Part, u: Unit): void {
  part.units.push(u);
  part.blocks += u.blocks.length;
  part.chars += u.chars;
  part.sources.push(...u.sources);
}

/** Greedy packing in order; a heading (and a divider before it) never ends a message: it moves to the next one. */
function pack(units: readonly Unit[]): Part[] {
  const parts: Part[] = [];
  let current = newPart();
  for (const u of units) {
    if (current.units.length > 0 && !fits(current, u.blocks.length, u.chars)) {
      const carried: Unit[] = [];
      while (current.units.length > 1 && ['heading', 'divider'].includes(current.units.at(-1)!.kind)) {
        carried.unshift(current.units.pop()!);
      }
      parts.push(rebuild(current.units));
      current = newPart();
      for (const c of carried) add(current, c);
    }
    add(current, u);
  }
  if (current.units.length > 0) parts.push(rebuild(current.units));
  return parts;
}

function rebuild(units: readonly Unit[]): Part {
  const part = newPart();
  for (const u of units) add(part, u);
  return part;
}

/** Buttons go on the last message; when it is full, its last unit moves to a new message with them. */
function attachActions(parts: Part[], buttons: SlackBlock): void {
  const actions = unit('other', [buttons], []);
  const last = parts.at(-1);
  if (!last) {
    parts.push(rebuild([actions]));
    return;
  }
  if (fits(last, 1, actions.chars)) {
    add(last, actions);
    return;
  }
  const moved = last.units.length > 1 ? [last.units.pop()!] : [];
  parts[parts.length - 1] = rebuild(last.units);
  parts.push(rebuild([...moved, actions]));
}

// --- text: escaping, neutralising mrkdwn, cutting ---

/** Lines of at most this many characters before escaping always fit a section once escaped (5× for `&amp;`). */
const RAW_CHUNK = Math.floor((SLACK_LIMITS.sectionText - 2) / 5);

/** Splits a long text into pieces that each fit a section once escaped, between lines where possible. */
function chunkText(text: string): string[] {
  if (!text.trim()) return [];
  if (formatMrkdwn(text).length <= SLACK_LIMITS.sectionText) return [text];
  const chunks: string[] = [];
  let current = '';
  const pieces = text.split('\n').flatMap((line) => {
    const cps = [...line];
    if (cps.length <= RAW_CHUNK) return [line];
    const out: string[] = [];
    for (let i = 0; i < cps.length; i += RAW_CHUNK) out.push(cps.slice(i, i + RAW_CHUNK).join(''));
    return out;
  });
  for (const piece of pieces) {
    const candidate = current ? `${current}\n${piece}` : piece;
    if (current && formatMrkdwn(candidate).length > SLACK_LIMITS.sectionText) {
      chunks.push(current);
      current = piece;
    } else {
      current = candidate;
    }
  }
  if (current.trim()) chunks.push(current);
  return chunks.filter((c) => c.trim());
}

/**
 * Escapes Slack's three control characters, the only ones Slack decodes
 * (https://api.slack.com/reference/surfaces/formatting#escaping).
 */
export function escapeEntities(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const URL_PATTERN = /(https?:\/\/[^\s<>|]+)/;

/**
 * Plain text → mrkdwn that shows exactly that text: `&`, `<`, `>` escaped, and the formatting characters `*`, `_`,
 * `~` and `` ` `` outside URLs replaced by look-alikes (Slack has no escape for them; this is jsx-slack's choice of
 * characters), and a `>` starting a line prefixed with a soft hyphen so it does not become a quote.
 */
export function formatMrkdwn(text: string): string {
  const neutral = text
    .split(URL_PATTERN)
    .map((piece, i) => (i % 2 === 1 ? piece : neutralise(piece)))
    .join('');
  return escapeEntities(neutral).replace(/^&gt;/gm, '\u00ad&gt;');
}

function neutralise(text: string): string {
  return text.replace(/\*/g, '\u2217').replace(/_/g, '\u02cd').replace(/~/g, '\u223c').replace(/`/g, '\u02cb');
}

/**
 * `text` as mrkdwn (formatMrkdwn) in at most `max` characters: cut on a character boundary, after escaping is
 * accounted for, with an ellipsis. Empty for blank text.
 */
export function mrkdwn(text: string, max: number): string {
  const clean = text.trim();
  const full = formatMrkdwn(clean);
  if (full.length <= max) return full;
  const cps = [...clean];
  // The formatted length only grows with the prefix length: binary-search the longest prefix that fits.
  let lo = 0;
  let hi = cps.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (formatMrkdwn(cps.slice(0, mid).join('').trimEnd()).length + ELLIPSIS.length <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${formatMrkdwn(cps.slice(0, lo).join('').trimEnd())}${ELLIPSIS}`;
}

/** plain_text (header, button, alt text) in at most `max` characters, cut with an ellipsis. */
export function plain(text: string, max: number): string {
  return clip(text.replace(/\s+/g, ' '), max);
}

/** Links longer than this are shown as their label only: a card must stay small. */
const MAX_LINK_URL = 1_000;

const isWebUrl = (url: string) => /^https?:\/\/\S+$/.test(url) && url.length <= SLACK_LIMITS.url;

/** `<url|label>` (label already mrkdwn), or the label alone when the URL cannot be linked. */
export function link(url: string, label: string): string {
  if (!isWebUrl(url) || url.length > MAX_LINK_URL) return label;
  const safe = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safe}|${label}>`;
}

/** Joins items with a separator, leaving out whole items from the end (never cutting a link) to stay within max. */
function joinWithin(items: readonly string[], separator: string, max: number): string {
  let out = '';
  for (const item of items) {
    const next = out ? `${out}${separator}${item}` : item;
    if (next.length > max) break;
    out = next;
  }
  return out;
}

/** Whether a message shows a thumbnail. */
export function hasImages(message: SlackMessage): boolean {
  return message.blocks.some((b) => b.type === 'section' && b.accessory !== undefined);
}

/** The same message without thumbnails: what is posted when Slack could not fetch an image. */
export function withoutImages(message: SlackMessage): SlackMessage {
  return {
    text: message.text,
    blocks: message.blocks.map((b): SlackBlock => (b.type === 'section' ? { type: 'section', text: b.text } : b)),
  };
}
