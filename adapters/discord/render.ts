/**
 * The Discord renderer: a pure function from the core's OutgoingMessage to Discord message payloads, each inside
 * Discord's limits (limits.ts). A paper is one embed, so a message that does not fit is split between papers and
 * never inside one; text that is too long is cut with an ellipsis, never rejected by the API.
 *
 * Layout: the blocks before the first paper (heading, intro, notes) become the message `content` (that is what a
 * notification shows); each paper becomes an embed; text blocks after a paper become a small embed of their own so
 * the order of the message is kept; buttons go under the last message.
 */
import { ButtonStyle, ComponentType } from 'discord.js';
import {
  type Action,
  type Block,
  CARD_LINE_MAX,
  cardLines,
  clip as cut,
  type OutgoingMessage,
  type PaperBlock,
  shortAuthors,
} from '../../src/index.js';
import { COMPONENT_LIMITS, EMBED_LIMITS, MESSAGE_LIMITS } from './limits.js';

/** An embed as sent to Discord (the subset we use of the API's embed object). */
export interface RenderedEmbed {
  title?: string;
  url?: string;
  description?: string;
  color?: number;
  author?: { name: string };
  fields?: { name: string; value: string; inline?: boolean }[];
  thumbnail?: { url: string };
  footer?: { text: string };
}

/** A button under a message; pressing it sends `custom_id` back in a component interaction. */
export interface RenderedButton {
  type: ComponentType.Button;
  style: ButtonStyle.Primary;
  custom_id: string;
  label: string;
}

/** A row of at most 5 buttons. */
export interface RenderedActionRow {
  type: ComponentType.ActionRow;
  components: RenderedButton[];
}

/** One Discord message body (Create Message, interaction reply, webhook edit). */
export interface RenderedMessage {
  content?: string;
  embeds?: RenderedEmbed[];
  components?: RenderedActionRow[];
  /** Never ping anyone: titles, topics and echoed queries are user or third-party text. */
  allowed_mentions: { parse: [] };
}

/** How long a paper's TL;DR may be in a card; AI summaries are 1–3 sentences, abstracts' first sentence similar. */
export const TLDR_MAX = 500;
/** The topics line of a card. */
export const TOPICS_MAX = 300;
/** Hugging Face yellow, the embeds' side stripe. */
export const PAPER_COLOR = 0xffd21e;

/**
 * `text` cut to at most `max` characters with an ellipsis (the core's clip), never leaving a dangling Markdown
 * escape (`\`) before the ellipsis. Discord trims whitespace before counting, as clip does.
 */
export function clip(text: string, max: number): string {
  const clipped = cut(text, max);
  if (clipped.length === text.trim().length) return clipped;
  const body = clipped.slice(0, -1);
  const backslashes = /\\+$/.exec(body)?.[0].length ?? 0;
  return backslashes % 2 === 1 ? `${body.slice(0, -1)}…` : clipped;
}

/**
 * Markdown-escaped text: paper titles and abstracts contain `*`, `_` and `~`, and user queries anything, all of which
 * must show as typed. Discord honours a backslash before any Markdown character. (discord.js's escapeMarkdown
 * does the same job but takes ~1 ms per 500 characters, too slow for a 35-paper digest on the event loop.)
 */
export function escapeText(text: string): string {
  return text.replace(/[\\*_~`|[\]<]/g, '\\$&').replace(/^(\s*)([#>-])/gm, '$1\\$2');
}

/** Escaped and cut to `max`; cut before escaping too, so a huge input costs nothing. */
export function fitText(text: string, max: number): string {
  return clip(escapeText(clip(text, max)), max);
}

/** The characters of an embed that count toward the 6000 per message (trimmed, as Discord counts them). */
export function embedLength(embed: RenderedEmbed): number {
  const len = (s: string | undefined) => (s ? s.trim().length : 0);
  let total = len(embed.title) + len(embed.description) + len(embed.footer?.text) + len(embed.author?.name);
  for (const field of embed.fields ?? []) total += len(field.name) + len(field.value);
  return total;
}

/** An http(s) URL that is safe inside a Markdown link and accepted as an embed URL; undefined otherwise. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  // Parentheses would end a Markdown link early; URL() already percent-encodes spaces.
  const href = parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  return href.length <= 2048 ? href : undefined;
}

function link(label: string, url: string | undefined): string | undefined {
  const safe = safeUrl(url);
  return safe ? `[${label}](${safe})` : undefined;
}

/** `owner/repo` of a GitHub URL, else the URL's host and path. */
function repoName(url: string): string {
  try {
    const parsed = new URL(url);
    const path = parsed.pathname.replace(/^\/+|\/+$/g, '');
    return parsed.hostname === 'github.com' && path ? path : `${parsed.hostname}${path ? `/${path}` : ''}`;
  } catch {
    return url;
  }
}

/** One paper as an embed: linked title, authors, TL;DR and links, facts as fields, thumbnail, id in the footer. */
export function paperEmbed(p: PaperBlock): RenderedEmbed {
  const links = [link('arXiv', p.arxivUrl), link('PDF', p.pdfUrl), link('Project page', p.projectPage)].filter(
    (l): l is string => l !== undefined,
  );
  const tldr = p.tldr.trim() ? fitText(p.tldr, TLDR_MAX) : '';
  const reason = p.reason
    ? `✨ ${fitText(p.reason.before, 60)} _${fitText(p.reason.emphasis, 100)}_${/^[,.;:]/.test(p.reason.after.trim()) ? '' : ' '}${fitText(p.reason.after, 60)}`
    : '';
  const extra = cardLines(p).map((line) => fitText(line, CARD_LINE_MAX));
  const description = [...extra, tldr, reason, links.join(' · ')].filter(Boolean).join('\n');
  const fields: NonNullable<RenderedEmbed['fields']> = [
    { name: 'Upvotes', value: `▲ ${p.upvotes}`, inline: true },
    { name: 'Comments', value: String(p.comments), inline: true },
  ];
  const github = p.github && safeUrl(p.github.url);
  if (p.github && github) {
    const name = fitText(repoName(p.github.url).replace(/[[\]]/g, ''), 100);
    const stars = p.github.stars !== null ? ` ★ ${p.github.stars.toLocaleString('en-US')}` : '';
    fields.push({ name: 'Code', value: `[${name}](${github})${stars}`, inline: true });
  }
  if (p.topics.length > 0) {
    fields.push({ name: 'Topics', value: fitText(p.topics.join(' · '), TOPICS_MAX), inline: false });
  }
  const embed: RenderedEmbed = {
    title: fitText(`${p.position !== undefined ? `${p.position}. ` : ''}${p.title}`, EMBED_LIMITS.title),
  };
  const url = safeUrl(p.url);
  if (url) embed.url = url;
  const authors = shortAuthors(p.authors);
  // The author line does not render Markdown, so it is not escaped.
  if (authors) embed.author = { name: clip(authors, EMBED_LIMITS.authorName) };
  if (description) embed.description = description;
  embed.color = PAPER_COLOR;
  embed.fields = fields;
  const thumbnail = safeUrl(p.thumbnailUrl);
  if (thumbnail) embed.thumbnail = { url: thumbnail };
  embed.footer = {
    text: clip(`arXiv ${p.id}${p.published ? ` · published ${p.published}` : ''}`, EMBED_LIMITS.footerText),
  };
  return embed;
}

/** A block as Markdown lines (for content and for text embeds). */
function blockMarkdown(block: Exclude<Block, PaperBlock>): string {
  switch (block.type) {
    case 'heading':
      return `**${fitText(block.text, MESSAGE_LIMITS.content - 4)}**`;
    case 'text':
      return escapeLines(block.text);
    case 'note':
      return `${block.tone === 'warning' ? '⚠️ ' : block.tone === 'error' ? '❌ ' : ''}${escapeLines(block.text)}`;
    case 'divider':
      return '';
  }
}

/** Each line escaped and cut to the content limit (a longer line could not be sent anyway). */
function escapeLines(text: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() ? fitText(line, MESSAGE_LIMITS.content) : ''))
    .join('\n');
}

/** Text blocks that follow a paper, as one embed: the first heading is its title. */
function sectionEmbed(blocks: readonly Exclude<Block, PaperBlock>[]): RenderedEmbed | undefined {
  const [first, ...rest] = blocks;
  const titled = first?.type === 'heading';
  const lines = (titled ? rest : blocks).map(blockMarkdown).filter((l) => l.trim() !== '');
  const embed: RenderedEmbed = {};
  if (titled) embed.title = fitText(first.text, EMBED_LIMITS.title);
  if (lines.length > 0) embed.description = clip(lines.join('\n'), EMBED_LIMITS.description);
  return embed.title || embed.description ? embed : undefined;
}

/** Content lines cut into messages of at most 2000 characters, between lines; a longer line is clipped. */
function contentChunks(lines: readonly string[]): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.length > MESSAGE_LIMITS.content ? clip(raw, MESSAGE_LIMITS.content) : raw;
    const joined = current ? `${current}\n${line}` : line;
    if (joined.trim().length <= MESSAGE_LIMITS.content) {
      current = joined;
    } else {
      if (current.trim()) chunks.push(current.trim());
      current = line;
    }
  }
  if (current.trim()) chunks.push(current.trim());
  return chunks;
}

/** Buttons Discord accepts: a valid custom_id and a label; any other is left out rather than failing the message. */
function buttons(actions: readonly Action[], labelPrefix = ''): RenderedButton[] {
  return actions
    .filter((a) => a.type === 'button' && isValidCustomId(a.id) && a.label.trim() !== '')
    .map((a) => ({
      type: ComponentType.Button,
      style: ButtonStyle.Primary,
      custom_id: a.id,
      label: clip(`${labelPrefix}${a.label}`, COMPONENT_LIMITS.buttonLabel),
    }));
}

/**
 * A paper card's buttons as one action row under the message: Discord puts components under the message, not under
 * an embed, so each label starts with the card's position ("3 · Save") when it has one.
 */
function cardRow(p: PaperBlock): RenderedActionRow | undefined {
  const row = buttons(p.actions ?? [], p.position !== undefined ? `${p.position} · ` : '').slice(
    0,
    MESSAGE_LIMITS.buttonsPerRow,
  );
  return row.length > 0 ? { type: ComponentType.ActionRow, components: row } : undefined;
}

/** The message's own buttons (e.g. More) as action rows. */
function actionRows(actions: readonly Action[]): RenderedActionRow[] {
  const all = buttons(actions).slice(0, MESSAGE_LIMITS.actionRows * MESSAGE_LIMITS.buttonsPerRow);
  const rows: RenderedActionRow[] = [];
  for (let i = 0; i < all.length; i += MESSAGE_LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: all.slice(i, i + MESSAGE_LIMITS.buttonsPerRow) });
  }
  return rows;
}

/** Whether Discord accepts `id` as a button's custom_id: 1–100 printable characters. */
export function isValidCustomId(id: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  return id.length >= 1 && id.length <= COMPONENT_LIMITS.customId && !/[\u0000-\u001f\u007f]/.test(id);
}

/** How to lay out a message. */
export interface RenderOptions {
  /** A digest in a thread: the first message holds only the text before the first paper (the thread's header). */
  readonly thread?: boolean | undefined;
}

/**
 * OutgoingMessage → Discord messages, in order. Deterministic: the same message always gives the same parts, so
 * an interrupted digest resumes after the parts already posted.
 */
export function renderMessage(message: OutgoingMessage, options: RenderOptions = {}): RenderedMessage[] {
  const firstPaper = message.blocks.findIndex((b) => b.type === 'paper');
  const lead = (firstPaper < 0 ? message.blocks : message.blocks.slice(0, firstPaper)) as Exclude<Block, PaperBlock>[];
  const body = firstPaper < 0 ? [] : message.blocks.slice(firstPaper);

  // The embeds, in order: one per paper (with its row of buttons), one per run of text blocks between papers.
  const units: { embed: RenderedEmbed; row?: RenderedActionRow | undefined }[] = [];
  let section: Exclude<Block, PaperBlock>[] = [];
  const flush = () => {
    const embed = sectionEmbed(section);
    if (embed) units.push({ embed });
    section = [];
  };
  for (const block of body) {
    if (block.type === 'paper') {
      flush();
      units.push({ embed: paperEmbed(block), row: cardRow(block) });
    } else if (block.type === 'divider') {
      flush();
    } else {
      section.push(block);
    }
  }
  flush();

  const leadLines = lead.flatMap((b) => blockMarkdown(b).split('\n'));
  const chunks = contentChunks(leadLines);
  if (chunks.length === 0 && units.length === 0) {
    // Nothing but blank blocks: fall back on the plain text so the user never sees an empty answer.
    chunks.push(...contentChunks(escapeLines(message.text.trim() || 'Done.').split('\n')));
  }

  const parts: RenderedMessage[] = chunks.map((content) => ({ content, allowed_mentions: { parse: [] } }));
  let current: RenderedMessage | undefined = options.thread ? undefined : parts.at(-1);
  for (const { embed, row } of units) {
    const embeds = current?.embeds ?? [];
    const rows = current?.components ?? [];
    const total = embeds.reduce((n, e) => n + embedLength(e), 0);
    const fits =
      current &&
      embeds.length < MESSAGE_LIMITS.embeds &&
      total + embedLength(embed) <= MESSAGE_LIMITS.embedTotal &&
      rows.length + (row ? 1 : 0) <= MESSAGE_LIMITS.actionRows;
    if (current && fits) {
      current.embeds = [...embeds, embed];
      if (row) current.components = [...rows, row];
      continue;
    }
    current = { embeds: [embed], ...(row ? { components: [row] } : {}), allowed_mentions: { parse: [] } };
    parts.push(current);
  }

  // The message's own buttons go under the last part, or in a part of their own when its rows are taken.
  const rows = actionRows(message.actions ?? []);
  if (rows.length > 0) {
    const last = parts.at(-1)!;
    const taken = last.components?.length ?? 0;
    if (taken + rows.length <= MESSAGE_LIMITS.actionRows) last.components = [...(last.components ?? []), ...rows];
    else parts.push({ components: rows, allowed_mentions: { parse: [] } });
  }
  return parts.map(normalise);
}

/** Key order fixed (content, embeds, components, allowed_mentions) so exact-JSON tests read naturally. */
function normalise(part: RenderedMessage): RenderedMessage {
  return {
    ...(part.content !== undefined ? { content: part.content } : {}),
    ...(part.embeds ? { embeds: part.embeds } : {}),
    ...(part.components ? { components: part.components } : {}),
    allowed_mentions: { parse: [] },
  };
}
