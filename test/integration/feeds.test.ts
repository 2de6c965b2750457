import { parseAtomFeed, parseJsonFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { feedRoutes } from '../../src/http/feeds.js';
import type { PaperBlock } from '../../src/messages/model.js';
import type { CommandDispatcher } from '../../src/ports/commands.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { RecordingPlatform } from '../fakes/recording-platform.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { type RouteServer, serveRoutes } from '../support/route-server.js';
import { type TestCore, testApp, testCore, typed } from '../support/services.js';

const CHANNEL = { platform: 'console', address: 'lab' } as const;

/** The cards of a chat answer, in order. */
const cardsOf = (blocks: readonly { type: string }[]) => blocks.filter((b): b is PaperBlock => b.type === 'paper');

describe.each(drivers)('feeds on $name', (driver) => {
  let database: TestDatabase;
  let app: App;
  let core: TestCore;
  let platform: RecordingPlatform;
  let server: RouteServer;
  const clock = new FixedClock('2026-11-16T08:00:00Z');
  const logs = captureLogs();

  beforeAll(async () => {
    database = await driver.open();
    app = testApp(database, { clock, log: logs.log, env: { PUBLIC_URL: 'https://papers.example.com/pp/' } });
    await app.services.ingest.importRecords(sample(), 'sample');
    platform = new RecordingPlatform('console');
    core = testCore(app, [platform]);
    server = await serveRoutes([feedRoutes({ app })]);
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
    fetch(`${server.url}${path}`, { method, headers });
  const chat = async (text: string, manager = true) => core.dispatcher.dispatch(typed(CHANNEL, text, { manager }));

  it('serves the latest closed days as Atom that an independent parser reads, matching /papers trending', async () => {
    const res = await get('/feeds/trending.atom');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const feed = parseAtomFeed(await res.text());
    expect(feed.title?.value).toBe('Hugging Face Daily Papers · trending');
    expect(feed.links).toContainEqual({ href: 'https://papers.example.com/pp/feeds/trending.atom', rel: 'self' });
    const entries = feed.entries ?? [];
    // Fri 13 Nov (the latest closed list on Monday morning), then Thu 12 Nov…: 50 entries from three lists.
    expect(entries).toHaveLength(50);
    const shown = cardsOf((await chat('trending')).message.blocks);
    expect(shown).toHaveLength(10);
    expect(entries.slice(0, 10).map((e) => e.links?.[0]?.href)).toEqual(shown.map((c) => c.url));
    expect(entries.slice(0, 10).map((e) => e.title?.value)).toEqual(shown.map((c) => escapeHtml(c.title)));
    const first = entries[0]!;
    const card = shown[0]!;
    expect(first.summary?.value).toBe(escapeHtml(card.tldr));
    expect(first.authors?.map((a) => a.name)).toEqual(card.authors.slice(0, 10));
    expect(first.content?.value).toContain(`▲ ${card.upvotes} upvotes`);
    expect(first.content?.value).toContain('Daily Papers · Fri 13 Nov 2026 · #1');
    expect(first.updated).toBe('2026-11-14T03:00:00.000Z');
    const withCode = entries.find((e) => e.content?.value?.includes('>Code</a>'));
    expect(withCode, 'some paper of the sample has code').toBeDefined();
    // Thursday's list follows Friday's.
    const thursday = cardsOf((await chat('trending 2026-11-12 25')).message.blocks);
    const fridayCount = entries.filter((e) => e.content?.value?.includes('Fri 13 Nov 2026')).length;
    expect(entries[fridayCount]!.id).toBe(`urn:paperpulse:paper:${thursday[0]!.id}`);
    expect(new Set(entries.map((e) => e.id)).size).toBe(50);
  });

  it('serves the same trending feed as JSON Feed 1.1', async () => {
    const res = await get('/feeds/trending.json');
    expect(res.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const raw = JSON.parse(await res.text()) as { version: string; items: { _paperpulse: { upvotes: number } }[] };
    expect(raw.version).toBe('https://jsonfeed.org/version/1.1');
    const feed = parseJsonFeed(raw);
    expect(feed.feed_url).toBe('https://papers.example.com/pp/feeds/trending.json');
    const atom = parseAtomFeed(await (await get('/feeds/trending.atom')).text());
    expect(feed.items?.map((i) => i.id)).toEqual(atom.entries?.map((e) => e.id));
    const card = cardsOf((await chat('trending')).message.blocks)[0]!;
    const item = feed.items![0]!;
    expect(item).toMatchObject({ title: card.title, url: card.url, summary: card.tldr });
    expect(item.authors?.map((a) => a.name)).toEqual(card.authors.slice(0, 10));
    expect(raw.items[0]!._paperpulse.upvotes).toBe(card.upvotes);
  });

  it('serves any search with the chat’s syntax and filters, in the chat’s order', async () => {
    for (const q of [
      'diffusion',
      '"optimal transport"',
      'reinforcement learning has:code min-upvotes:5',
      'wasserstien gan',
    ]) {
      const res = await get(`/feeds/search.atom?q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      const feed = parseAtomFeed(await res.text());
      const page = await chat(`search ${q}`);
      expect(page.ok).toBe(true);
      const shown = cardsOf(page.message.blocks);
      expect(shown.length, q).toBeGreaterThan(0);
      expect(
        feed.entries?.slice(0, shown.length).map((e) => e.links?.[0]?.href),
        q,
      ).toEqual(shown.map((c) => c.url));
      expect(feed.links).toContainEqual({
        href: `https://papers.example.com/pp/feeds/search.atom?q=${encodeURIComponent(q)}`,
        rel: 'self',
      });
    }
    // A feed has no "More" button: nothing is stored for one, even when more results exist.
    const continuations = async () =>
      (await database.query<{ n: number }>('select count(*)::int as n from continuations', []))[0]!.n;
    const before = await continuations();
    const broad = parseAtomFeed(await (await get('/feeds/search.atom?q=model+OR+learning+OR+data')).text());
    expect(broad.entries).toHaveLength(50);
    expect(await continuations()).toBe(before);
    const json = parseJsonFeed(JSON.parse(await (await get('/feeds/search.json?q=diffusion+has%3Acode')).text()));
    const all = await app.services.search.search(
      { ...(await import('../../src/search/query.js')).parseSearchQuery('diffusion has:code') },
      { limit: 50, now: clock.now() },
    );
    expect(json.items?.map((i) => i.url)).toEqual(all.hits.map((h) => `https://huggingface.co/papers/${h.paper.id}`));
  });

  it('answers a bad query with 400 and the chat’s one-line message', async () => {
    for (const q of ['diffusion has:pdf', 'min-upvotes:-3', 'diffusion since:2026-02-30', 'x'.repeat(501), '']) {
      const res = await get(`/feeds/search.atom?q=${encodeURIComponent(q)}`);
      const reply = await core.dispatcher.dispatch({
        ...typed(CHANNEL, ''),
        input: { kind: 'options', command: 'search', values: { query: q } },
      });
      expect(reply.ok, q.slice(0, 20)).toBe(false);
      expect(res.status, q.slice(0, 20)).toBe(400);
      expect(await res.text()).toBe(`${reply.error!.message}\n`);
    }
    expect((await get('/feeds/search.atom')).status).toBe(400);
    expect(await (await get('/feeds/search.atom?q=a&q=b')).text()).toBe('Give q once.\n');
    expect(await (await get('/feeds/search.json?q=a&limit=5')).text()).toMatch(/^Unknown parameter "limit"/);
    expect((await get('/feeds/search.atom?q=%E0%A4%A')).status).toBe(400);
    expect((await get('/feeds/trending.atom?x=1')).status).toBe(400);
  });

  it('honours If-None-Match and If-Modified-Since with 304, and HEAD', async () => {
    const first = await get('/feeds/trending.atom');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(new Date(lastModified).getTime()).not.toBeNaN();
    const body = await first.text();
    const again = await get('/feeds/trending.atom', { 'If-None-Match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get('/feeds/trending.atom', { 'If-None-Match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get('/feeds/trending.atom', { 'If-None-Match': '"other"' })).status).toBe(200);
    expect((await get('/feeds/trending.atom', { 'If-Modified-Since': lastModified })).status).toBe(304);
    const earlier = new Date(new Date(lastModified).getTime() - 1000).toUTCString();
    expect((await get('/feeds/trending.atom', { 'If-Modified-Since': earlier })).status).toBe(200);
    // If-None-Match wins over If-Modified-Since.
    expect(
      (await get('/feeds/trending.atom', { 'If-None-Match': '"x"', 'If-Modified-Since': lastModified })).status,
    ).toBe(200);
    const head = await get('/feeds/trending.atom', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(Number(head.headers.get('content-length'))).toBe(Buffer.byteLength(body));
    expect(await head.text()).toBe('');
    const post = await get('/feeds/trending.atom', {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // Not a feed path: left to the next route (the server's 404 here).
    expect(await (await get('/feeds/trending.rss')).text()).toBe('not found\n');
  });

  it("gives managers the channel's private feed, holding exactly what its digests posted", async () => {
    expect((await chat('feed', false)).ok).toBe(false);
    const answer = await chat('feed');
    expect(answer.ephemeral).toBe(true);
    const { atom, json } = answer.data as { atom: string; json: string };
    expect(atom).toMatch(/^https:\/\/papers\.example\.com\/pp\/feeds\/channel\/[A-Za-z0-9_-]{32}\.atom$/);
    expect(answer.message.text).toContain(atom);
    expect((await chat('feed')).data).toEqual(answer.data);
    const path = (url: string) => url.replace('https://papers.example.com/pp', '');
    // Nothing posted yet: an empty, valid feed.
    expect(parseAtomFeed(await (await get(path(atom))).text()).entries ?? []).toEqual([]);

    await core.services.channels.update(CHANNEL, { digestEnabled: true, weekly: true, size: 3 }, clock.now());
    clock.set('2026-11-16T09:00:30Z'); // Monday: Friday's list and the weekly recap of W46
    expect(await core.delivery.reconcile()).toMatchObject({ sent: 2 });
    clock.set('2026-11-17T09:00:30Z'); // Tuesday: nothing new closed (Mon 16 Nov has no list) → nothing posted
    await core.delivery.reconcile();
    const posted = platform.posts.filter((p) => p.channel === 'console:lab');
    expect(posted.length).toBeGreaterThanOrEqual(2);

    const res = await get(path(atom));
    expect(res.headers.get('cache-control')).toBe('private, max-age=300');
    const feed = parseAtomFeed(await res.text());
    const stored = await database.query<{ id: number; message: { blocks: { type: string; title?: string }[] } }>(
      `select id, message from deliveries where status = 'sent' order by sent_at desc, id desc`,
      [],
    );
    const expected = stored.flatMap((d) => d.message.blocks.filter((b) => b.type === 'paper').map((b) => b.title!));
    expect(feed.entries?.map((e) => e.title?.value)).toEqual(expected.map(escapeHtml));
    // The same titles, in the same order, as the platform received them (newest digest first).
    const postedTitles = [...posted].reverse().flatMap((p) => p.titles);
    expect(expected.length).toBe(postedTitles.length);
    expect(new Set(expected)).toEqual(new Set(postedTitles));
    expect(feed.entries?.some((e) => e.content?.value?.includes('Weekly recap · 2026-W46'))).toBe(true);
    const jsonFeed = parseJsonFeed(JSON.parse(await (await get(path(json))).text()));
    expect(jsonFeed.items?.map((i) => i.title)).toEqual(expected);

    // Reset: the old link is gone at once, the new one works; unknown and malformed tokens look the same.
    const reset = await chat('feed reset');
    const fresh = (reset.data as { atom: string }).atom;
    expect(fresh).not.toBe(atom);
    const gone = await get(path(atom));
    expect(gone.status).toBe(404);
    const goneBody = await gone.text();
    expect((await get(path(fresh))).status).toBe(200);
    for (const other of ['/feeds/channel/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.atom', '/feeds/channel/x.json']) {
      const res404 = await get(other);
      expect(res404.status).toBe(404);
      expect(await res404.text()).toBe(goneBody);
    }
    expect(logs.text()).not.toContain(path(fresh).slice(15, 47));
  });

  it('bounds a slow feed in time with 503, and keeps answering', async () => {
    const slow: CommandDispatcher = {
      ...core.dispatcher,
      dispatch: async (invocation) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        return core.dispatcher.dispatch(invocation);
      },
    };
    const failing: CommandDispatcher = {
      ...core.dispatcher,
      dispatch: async () => {
        throw new Error('database went away');
      },
    };
    const slowServer = await serveRoutes([
      feedRoutes({ app: { ...app, dispatcher: () => slow }, options: { timeoutMs: 100 } }),
    ]);
    const failingServer = await serveRoutes([feedRoutes({ app: { ...app, dispatcher: () => failing } })]);
    try {
      const res = await fetch(`${slowServer.url}/feeds/search.json?q=transformer`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      const broken = await fetch(`${failingServer.url}/feeds/search.atom?q=diffusion`);
      expect(broken.status).toBe(500);
      expect(await broken.text()).toBe('Something went wrong on our side; it has been logged.\n');
      expect(logs.text()).toContain('feed failed');
      // The slow document was still built, and is served from the cache.
      await new Promise((resolve) => setTimeout(resolve, 800));
      const cached = await fetch(`${slowServer.url}/feeds/search.json?q=transformer`);
      expect(cached.status).toBe(200);
    } finally {
      await slowServer.close();
      await failingServer.close();
    }
  });
});

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
