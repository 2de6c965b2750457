import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import type { FeedDocument } from '../../src/feeds/feed-source.js';
import { clean, renderFeed } from '../../src/feeds/render.js';
import type { PaperBlock } from '../../src/messages/model.js';

const card: PaperBlock = {
  type: 'paper',
  id: '2410.17243',
  title: 'Less <is> More & "Attention" ]]> isn\'t\u0001 all\uD800 you need',
  url: 'https://huggingface.co/papers/2410.17243',
  tldr: 'A & B < C; see <script>alert(1)</script>',
  authors: ['Ada & Co', 'Bob <b>', ...Array.from({ length: 20 }, (_, i) => `Author ${i}`)],
  upvotes: 42,
  comments: 1,
  github: { url: 'https://github.com/a/b?x=1&y="2"', stars: 7 },
  arxivUrl: 'https://arxiv.org/abs/2410.17243',
  pdfUrl: 'https://arxiv.org/pdf/2410.17243',
  topics: ['"graph neural" -survey', 'a & b'],
  position: 1,
  published: '2024-10-22',
};

const doc: FeedDocument = {
  id: 'urn:paperpulse:feed:test',
  title: 'Search: <x> & y',
  subtitle: 'sub & title',
  path: '/feeds/search',
  updated: new Date('2026-11-14T03:00:00Z'),
  entries: [
    { id: 'urn:paperpulse:paper:2410.17243', card, updated: new Date('2026-11-14T03:00:00Z'), context: 'ctx <1>' },
  ],
};
const links = {
  self: { atom: 'https://p.example/feeds/search.atom?q=a%26b', json: 'https://p.example/feeds/search.json?q=a%26b' },
};

describe('feed rendering', () => {
  it('writes Atom whose text survives markup characters, control characters and lone surrogates', () => {
    const xml = renderFeed(doc, 'atom', links);
    expect(xml.includes('\u0001') || xml.includes('\uD800')).toBe(false);
    const feed = parseAtomFeed(xml);
    expect(feed.title?.value).toBe('Search: <x> & y');
    const entry = feed.entries![0]!;
    // type="html": the reader un-escapes once and shows the plain title.
    expect(entry.title).toEqual({
      type: 'html',
      value: 'Less &lt;is&gt; More &amp; &quot;Attention&quot; ]]&gt; isn&#39;t all you need',
    });
    expect(entry.authors?.map((a) => a.name)).toEqual(card.authors.slice(0, 10));
    expect(entry.content?.value).toContain('&lt;script&gt;');
    expect(entry.content?.value).not.toContain('<script>');
    expect(entry.content?.value).toContain('<a href="https://github.com/a/b?x=1&amp;y=&quot;2&quot;">Code</a> (★ 7)');
    expect(entry.content?.value).toContain('Topics: &quot;graph neural&quot; -survey, a &amp; b');
    expect(entry.published).toBe('2024-10-22T00:00:00.000Z');
    expect(feed.links).toContainEqual({ href: links.self.atom, rel: 'self' });
  });

  it('writes JSON Feed 1.1 with plain titles, all authors (up to 10) and the card facts', () => {
    const raw = JSON.parse(renderFeed(doc, 'json', links));
    expect(raw.version).toBe('https://jsonfeed.org/version/1.1');
    expect(raw.authors).toEqual([{ name: 'PaperPulse' }]);
    expect(raw).not.toHaveProperty('author');
    const item = raw.items[0];
    expect(item).not.toHaveProperty('author');
    expect(item.title).toBe(clean(card.title));
    expect(item.authors).toHaveLength(10);
    expect(item.tags).toEqual(card.topics);
    expect(item._paperpulse).toMatchObject({ upvotes: 42, github_url: card.github!.url, github_stars: 7 });
    const parsed = parseJsonFeed(raw);
    expect(parsed.items?.[0]?.url).toBe(card.url);
  });

  it('is the same bytes for the same document (the ETag is the body hash)', () => {
    expect(renderFeed(doc, 'atom', links)).toBe(renderFeed(doc, 'atom', links));
    expect(renderFeed(doc, 'json', links)).toBe(renderFeed(doc, 'json', links));
  });
});
