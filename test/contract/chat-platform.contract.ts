/**
 * The contract every ChatPlatform passes (vercel/chat's contract-suite idea): the console now, Discord and Slack
 * through their real SDK clients against local fake servers. Each run wires the real core on PGlite with the
 * bundled sample, so commands go through the real dispatcher.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelRef, type ChatPlatform, type Core, createCore, message, PlatformError } from '../../src/index.js';
import type { PaperBlock } from '../../src/messages/model.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { paperServices } from '../support/services.js';

export interface PlatformHarness {
  readonly platform: ChatPlatform;
  /** A channel the platform can post to and receive commands from. */
  readonly channel: ChannelRef;
  /** A channel that is gone or forbidden: posting there fails permanently. */
  readonly goneChannel: ChannelRef;
  /** Sends `/papers <command> <text>` as a user with manager rights (or not); resolves with what they saw, as text. */
  command(command: string, text: string, options?: { manager?: boolean }): Promise<string>;
  /** The messages that reached `channel` so far, as text, oldest first. */
  posted(): Promise<string[]>;
  /** After start(): anything the harness needs (e.g. connect a fake gateway). */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

/** A paper card with long text, to push a platform's size limits. */
export function bigCard(i: number): PaperBlock {
  return {
    type: 'paper',
    id: `2601.${String(10000 + i)}`,
    title: `Paper ${i}: ${'A very long title about scaling laws '.repeat(12)}`.slice(0, 400),
    url: `https://huggingface.co/papers/2601.${String(10000 + i)}`,
    tldr: `${'This paper shows that something interesting happens at scale. '.repeat(80)}`,
    authors: Array.from({ length: 40 }, (_, a) => `Author ${a} of ${i}`),
    upvotes: 1000 - i,
    comments: i,
    github: { url: `https://github.com/example/repo-${i}`, stars: 1234 },
    projectPage: `https://example.org/project-${i}`,
    arxivUrl: `https://arxiv.org/abs/2601.${String(10000 + i)}`,
    pdfUrl: `https://arxiv.org/pdf/2601.${String(10000 + i)}`,
    thumbnailUrl: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/2601.${String(10000 + i)}.png`,
    topics: ['scaling laws', `"graph neural" -survey ${'x'.repeat(150)}`],
    position: i + 1,
  };
}

/** A digest of `count` big papers, with a header and a "For your topics" section. */
export function bigDigest(count: number, extras = 0) {
  return message([
    { type: 'heading', text: 'Hugging Face Daily Papers · Fri 13 Nov 2026' },
    { type: 'text', text: `Top ${count} of ${count + extras} papers featured on Hugging Face.` },
    ...Array.from({ length: count }, (_, i) => bigCard(i)),
    ...(extras ? [{ type: 'divider' as const }, { type: 'heading' as const, text: 'For your topics' }] : []),
    ...Array.from({ length: extras }, (_, i) => bigCard(count + i)),
  ]);
}

const titleKey = (i: number) => `Paper ${i}:`;

export function describeChatPlatformContract(
  name: string,
  makeHarness: (core: () => Core) => Promise<PlatformHarness>,
): void {
  describe(`ChatPlatform contract: ${name}`, () => {
    let database: TestDatabase;
    let core: Core;
    let h: PlatformHarness;

    beforeAll(async () => {
      database = await drivers[0]!.open();
      const paper = paperServices(database, { clock: new FixedClock('2026-11-16T12:00:00Z') });
      await paper.ingest.importRecords(sample(), 'sample');
      h = await makeHarness(() => core);
      core = createCore(paper, [h.platform]);
      await h.platform.start(core.dispatcher);
      await h.ready?.();
    });
    afterAll(async () => {
      await h.platform.stop();
      await h.platform.stop(); // stop() is idempotent
      await h.close();
      await database.close();
    });

    it('answers a command through the real dispatcher', async () => {
      const reply = await h.command('help', '');
      expect(reply).toContain('/papers search');
      expect(reply).toContain('/papers digest');
    });

    it('shows a user mistake as a one-line explanation with the usage', async () => {
      const reply = await h.command('trending', 'week 2026-W99');
      expect(reply).toMatch(/[“"]2026-W99[”"] is not a week/);
      expect(reply).toMatch(/\/papers trending \[day\|week\|month\]/);
    });

    it('refuses configuration to a non-manager and writes nothing', async () => {
      const reply = await h.command('subscribe', 'diffusion', { manager: false });
      expect(reply).toMatch(/Only channel managers can change this channel's settings/);
      expect(await core.services.channels.find(h.channel)).toMatchObject({ pk: undefined });
    });

    it('lets a manager subscribe, and shows the topic', async () => {
      expect(await h.command('subscribe', 'optimal transport')).toContain(
        'Subscribed this channel to “optimal transport”',
      );
      expect(await h.command('topics', '')).toContain('1. optimal transport');
    });

    it('posts a small digest as one message and reports its id', async () => {
      const before = (await h.posted()).length;
      const ids: string[] = [];
      const small = bigDigest(0);
      const result = await h.platform.postDigest(
        h.channel,
        message([...small.blocks, { ...bigCard(1), tldr: 'Short.' }]),
        {
          thread: false,
          alreadyPosted: [],
          onPosted: async (id) => void ids.push(id),
        },
      );
      expect(result.messageIds).toEqual(ids);
      expect(ids).toHaveLength(1);
      const posted = await h.posted();
      expect(posted.length - before).toBe(1);
      expect(posted.at(-1)).toContain(titleKey(1));
    });

    it('splits a digest that does not fit between papers, never mid-paper, each paper once and in order', async () => {
      const before = (await h.posted()).length;
      const ids: string[] = [];
      const result = await h.platform.postDigest(h.channel, bigDigest(25, 10), {
        thread: false,
        alreadyPosted: [],
        onPosted: async (id) => void ids.push(id),
      });
      expect(result.messageIds).toEqual(ids);
      const parts = (await h.posted()).slice(before);
      expect(parts).toHaveLength(ids.length);
      const all = parts.join('\n');
      let last = -1;
      for (let i = 0; i < 35; i++) {
        const at = all.indexOf(titleKey(i));
        expect(at, `paper ${i} appears`).toBeGreaterThan(last);
        expect(all.indexOf(titleKey(i), at + 1), `paper ${i} appears once`).toBe(-1);
        last = at;
        // never mid-paper: a paper's title and its link sit in the same message
        expect(parts.some((p) => p.includes(titleKey(i)) && p.includes(`2601.${10000 + i}`))).toBe(true);
      }
    });

    it('resumes after the parts already posted, posting only the rest', async () => {
      const first: string[] = [];
      await h.platform.postDigest(h.channel, bigDigest(25), {
        thread: false,
        alreadyPosted: [],
        onPosted: async (id) => void first.push(id),
      });
      const before = (await h.posted()).length;
      const rest: string[] = [];
      const result = await h.platform.postDigest(h.channel, bigDigest(25), {
        thread: false,
        alreadyPosted: first.slice(0, 1),
        onPosted: async (id) => void rest.push(id),
      });
      expect(rest).toHaveLength(first.length - 1);
      expect(result.messageIds).toEqual([first[0], ...rest]);
      expect((await h.posted()).length - before).toBe(first.length - 1);
    });

    it('accepts a digest in thread mode', async () => {
      const ids: string[] = [];
      await h.platform.postDigest(h.channel, bigDigest(12), {
        thread: true,
        alreadyPosted: [],
        onPosted: async (id) => void ids.push(id),
      });
      expect(ids.length).toBeGreaterThanOrEqual(1);
    });

    it('fails permanently for a channel that is gone', async () => {
      const err = await h.platform
        .postDigest(h.goneChannel, bigDigest(1), { thread: false, alreadyPosted: [], onPosted: async () => {} })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(PlatformError);
      expect((err as PlatformError).permanent).toBe(true);
    });
  });
}
