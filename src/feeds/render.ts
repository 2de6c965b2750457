/**
 * Feed documents as Atom 1.0 and JSON Feed 1.1, generated with the `feed` package. Two things it does not do are
 * done here: JSON Feed 1.1 (`feed` 6 writes version 1 with a single `author`; the output is brought to 1.1:
 * `authors`, `language`), and escaping of titles (`feed` puts them in Atom as `type="html"`, so plain text is
 * HTML-escaped first). Characters XML cannot carry are removed from every text.
 */
import { Feed, type Item } from 'feed';
import { shortAuthors } from '../domain/paper.js';
import type { PaperBlock } from '../messages/model.js';
import type { FeedDocument, FeedEntry } from './feed-source.js';
import type { FeedFormat } from './links.js';

/** Authors listed per entry (the card shows the first three; a collaboration paper may have hundreds). */
const MAX_AUTHORS = 10;

export const CONTENT_TYPES: Record<FeedFormat, string> = {
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export interface FeedLinks {
  /** The feed's own URL in each format (absolute). */
  readonly self: Record<FeedFormat, string>;
}

export function renderFeed(doc: FeedDocument, format: FeedFormat, links: FeedLinks): string {
  return format === 'atom' ? renderAtom(doc, links) : renderJson(doc, links);
}

function baseFeed(doc: FeedDocument, links: FeedLinks, toHtml: (text: string) => string): Feed {
  const feed = new Feed({
    id: doc.id,
    title: clean(doc.title),
    ...(clean(doc.subtitle) ? { description: clean(doc.subtitle) } : {}),
    updated: doc.updated,
    generator: 'PaperPulse',
    language: 'en',
    ...(doc.homeUrl ? { link: doc.homeUrl } : {}),
    feedLinks: { atom: links.self.atom, json: links.self.json },
    author: { name: 'PaperPulse' },
  });
  for (const entry of doc.entries) feed.addItem(item(entry, toHtml));
  return feed;
}

function item(entry: FeedEntry, toHtml: (text: string) => string): Item {
  const { card } = entry;
  const published = card.published ? new Date(`${card.published}T00:00:00Z`) : undefined;
  return {
    id: entry.id,
    title: toHtml(clean(card.title)),
    link: card.url,
    date: entry.updated,
    ...(published && !Number.isNaN(published.getTime()) ? { published } : {}),
    ...(card.tldr ? { description: toHtml(clean(card.tldr)) } : {}),
    content: contentHtml(entry),
    author: card.authors.slice(0, MAX_AUTHORS).map((name) => ({ name: clean(name) })),
  };
}

function renderAtom(doc: FeedDocument, links: FeedLinks): string {
  return baseFeed(doc, links, escapeHtml).atom1();
}

function renderJson(doc: FeedDocument, links: FeedLinks): string {
  const json = JSON.parse(baseFeed(doc, links, (text) => text).json1()) as Record<string, unknown>;
  const byId = new Map(doc.entries.map((e) => [e.id, e]));
  const items = (json.items as Record<string, unknown>[]).map((raw) => {
    const { author: _author, ...rest } = raw;
    const entry = byId.get(String(raw.id))!;
    const { card } = entry;
    return {
      ...rest,
      ...(card.authors.length > 0
        ? { authors: card.authors.slice(0, MAX_AUTHORS).map((name) => ({ name: clean(name) })) }
        : {}),
      ...(card.thumbnailUrl ? { image: card.thumbnailUrl } : {}),
      ...(card.topics.length > 0 ? { tags: card.topics.map(clean) } : {}),
      external_url: card.arxivUrl,
      _paperpulse: facts(card),
    };
  });
  const { version: _version, author: _author, items: _items, ...rest } = json;
  return `${JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      ...rest,
      language: 'en',
      authors: [{ name: 'PaperPulse' }],
      items,
    },
    null,
    2,
  )}\n`;
}

/** The card's facts as data, for JSON readers (a JSON Feed extension object: keys starting with `_`). */
function facts(card: PaperBlock): Record<string, unknown> {
  return {
    arxiv_id: card.id,
    upvotes: card.upvotes,
    comments: card.comments,
    published: card.published ?? null,
    github_url: card.github?.url ?? null,
    github_stars: card.github?.stars ?? null,
    project_page: card.projectPage ?? null,
    arxiv_url: card.arxivUrl,
    pdf_url: card.pdfUrl,
    ...(card.position !== undefined ? { position: card.position } : {}),
  };
}

/** The card as HTML: context, TL;DR, authors and facts, links (Hugging Face, arXiv, PDF, code, project), topics. */
export function contentHtml(entry: FeedEntry): string {
  const { card } = entry;
  const e = (text: string) => escapeHtml(clean(text));
  const a = (href: string, text: string) => `<a href="${e(href)}">${e(text)}</a>`;
  const facts = [
    `▲ ${card.upvotes} upvote${card.upvotes === 1 ? '' : 's'}`,
    `${card.comments} comment${card.comments === 1 ? '' : 's'}`,
    ...(card.published ? [`published ${card.published}`] : []),
  ];
  const links = [
    a(card.url, 'Hugging Face'),
    a(card.arxivUrl, 'arXiv'),
    a(card.pdfUrl, 'PDF'),
    ...(card.github
      ? [`${a(card.github.url, 'Code')}${card.github.stars !== null ? ` (★ ${card.github.stars})` : ''}`]
      : []),
    ...(card.projectPage ? [a(card.projectPage, 'Project page')] : []),
  ];
  const authors = shortAuthors(card.authors);
  return [
    ...(entry.context ? [`<p><small>${e(entry.context)}</small></p>`] : []),
    ...(card.tldr ? [`<p>${e(card.tldr)}</p>`] : []),
    `<p>${authors ? `${e(authors)} · ` : ''}${facts.map(e).join(' · ')}</p>`,
    `<p>${links.join(' · ')}</p>`,
    ...(card.topics.length > 0 ? [`<p>Topics: ${card.topics.map(e).join(', ')}</p>`] : []),
  ].join('\n');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Text XML 1.0 can carry: control characters (but tab, line feed and carriage return), U+FFFE/U+FFFF and lone
 * surrogates are removed. A literal `]]>` cannot occur after escapeHtml, which is how every CDATA section here is
 * filled.
 */
export function clean(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
    const loneSurrogate = ch.length === 1 && code >= 0xd800 && code <= 0xdfff;
    if (!control && !loneSurrogate && code !== 0xfffe && code !== 0xffff) out += ch;
  }
  return out;
}
