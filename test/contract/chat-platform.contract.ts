/**
 * The contract every chat platform passes (vercel/chat's contract-suite idea): the console, Discord and Slack through
 * their real SDK clients against local fake servers, and an in-memory platform that lives under test/. Each run
 * creates the platform through the platform registry exactly as the bot does (configure from the environment, then
 * create), wires the real core on PGlite with the bundled sample, and drives it as a user would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import {
  type ChannelRef,
  type ChatPlatform,
  type Env,
  message,
  PlatformError,
  type PlatformIo,
  type PlatformRegistry,
} from '../../src/index.js';
import type { Action, PaperBlock } from '../../src/messages/model.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, silentLog, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { type TestCore, testApp, testCore } from '../support/services.js';
import { readingListContract } from './reading.contract.js';

/** One message a platform shows in the channel (or in a thread of it). */
export interface PostedPart {
  /** The message's id, when the platform shows one (the console prints digests without). */
  readonly id?: string | undefined;
  readonly text: string;
  /** The message this one answers in a thread, when it is in one. */
  readonly threadOf?: string | undefined;
}

export interface PlatformHarness {
  /** The platform's name in the registry. */
  readonly name: string;
  readonly registry: PlatformRegistry;
  /** The environment that turns the platform on. */
  readonly env: Env;
  /** Test-only knobs added to the configuration the module read from `env` (a fake server's URL…). */
  withOptions?(config: unknown): unknown;
  /** The terminal, for platforms that use one. */
  readonly io?: PlatformIo | undefined;
  /** A channel the platform can post to and receive commands from. */
  readonly channel: ChannelRef;
  /** A channel that is gone or forbidden: posting there fails permanently. */
  readonly goneChannel: ChannelRef;
  /** After start(): anything the harness needs (e.g. a second user on the console). */
  ready?(context: { platform: ChatPlatform; app: App; core: TestCore }): Promise<void>;
  /** Sends `/papers <command> <text>` as a manager (or not); resolves with what the user saw, as text. */
  command(command: string, text: string, options?: { manager?: boolean }): Promise<string>;
  /** The user ids behind `manager: true` (default) and `manager: false`: two different people. */
  readonly users: { readonly manager: string; readonly member: string };
  /**
   * Presses a button of one of our messages in `channel` as the manager (or the member); resolves with what the
   * presser saw, as text. Platforms without buttons type the button's command instead.
   */
  press(action: Action, options?: { manager?: boolean }): Promise<string>;
  /** The BibTeX of the last export as its owner received it, where it came as a file (the console writes one). */
  exported?(): Promise<string | undefined>;
  /** The messages that reached `channel` so far (threads included), oldest first. */
  posted(): Promise<PostedPart[]>;
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
    lines: [`🏛 ${'Organization '.repeat(30)}`, `▲ +38 in 24 h ${'x'.repeat(300)}`, 'shared: *a*', 'a fourth line'],
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

/** The parts seen are the parts posted: the same ids where the platform shows them, else the same count. */
function expectSameParts(parts: readonly PostedPart[], ids: readonly string[]): void {
  if (parts.every((p) => p.id !== undefined)) expect(parts.map((p) => p.id)).toEqual(ids);
  else expect(parts).toHaveLength(ids.length);
}

/** Where each of papers 0…count-1 appears in `parts`: every one exactly once, in order, never split from its link. */
function expectEachPaperOnceInOrder(parts: readonly PostedPart[], count: number): void {
  const all = parts.map((p) => p.text).join('\n');
  let last = -1;
  for (let i = 0; i < count; i++) {
    const at = all.indexOf(titleKey(i));
    expect(at, `paper ${i} appears`).toBeGreaterThan(last);
    expect(all.indexOf(titleKey(i), at + 1), `paper ${i} appears once`).toBe(-1);
    last = at;
    // never mid-paper: a paper's title and its link sit in the same message
    expect(
      parts.some((p) => p.text.includes(titleKey(i)) && p.text.includes(`2601.${10000 + i}`)),
      `paper ${i} is whole in one message`,
    ).toBe(true);
  }
}

export function describeChatPlatformContract(label: string, makeHarness: () => Promise<PlatformHarness>): void {
  describe(`ChatPlatform contract: ${label}`, () => {
    let database: TestDatabase;
    let app: App;
    let core: TestCore;
    let platform: ChatPlatform;
    let h: PlatformHarness;

    beforeAll(async () => {
      database = await drivers[0]!.open();
      app = testApp(database, { clock: new FixedClock('2026-11-16T12:00:00Z') });
      await app.services.ingest.importRecords(sample(), 'sample');
      h = await makeHarness();
      const module = h.registry.get(h.name);
      if (!module) throw new Error(`${h.name} is not registered`);
      const setup = await module.configure(h.env);
      if (!setup.on) throw new Error(`${h.name} is off: ${setup.reason}`);
      platform = await module.create(h.withOptions ? h.withOptions(setup.config) : setup.config, {
        log: silentLog,
        state: app.platformState.scope(h.name),
        io: h.io ?? { stdin: process.stdin, stdout: { write: () => true } },
        commands: app.commands.list,
      });
      core = testCore(app, [platform]);
      await platform.start(core.dispatcher);
      await h.ready?.({ platform, app, core });
    });
    afterAll(async () => {
      await platform.stop();
      await platform.stop(); // stop() is idempotent
      await h.close();
      await database.close();
    });

    it('is created through the registry with the name and traits its module declares', () => {
      const module = h.registry.get(h.name)!;
      expect(platform.name).toBe(h.name);
      expect(platform.traits).toEqual(module.traits);
      expect(platform.traits.managers.length).toBeGreaterThan(5);
      expect(platform.traits.buttonTtlMs).toBeGreaterThanOrEqual(60_000);
    });

    it('answers a command through the real dispatcher', async () => {
      const reply = await h.command('help', '');
      expect(reply).toContain('/papers search — ');
      expect(reply).toContain('/papers digest — ');
      expect(reply).toContain('PaperPulse: Hugging Face Daily Papers in this channel');
    });

    it('shows a user mistake as a one-line explanation with the usage', async () => {
      const reply = await h.command('trending', 'week 2026-W99');
      expect(reply).toMatch(/[“"]2026-W99[”"] is not a week; write it as YYYY-Www/);
      expect(reply).toContain('Usage: /papers trending [day|week|month]');
    });

    it('refuses configuration to a non-manager, naming who may, and writes nothing', async () => {
      const reply = await h.command('subscribe', 'diffusion', { manager: false });
      expect(reply).toContain(`Only channel managers can change this channel's settings: ${platform.traits.managers}.`);
      expect(await core.services.channels.find(h.channel)).toMatchObject({ pk: undefined });
    });

    it('lets a manager subscribe, and shows the topic', async () => {
      expect(await h.command('subscribe', 'optimal transport')).toContain(
        'Subscribed this channel to “optimal transport”',
      );
      expect(await h.command('topics', '')).toContain('1. optimal transport');
      expect(await core.services.channels.find(h.channel)).toMatchObject({ platform: h.name });
    });

    it('posts a small digest as one message and reports its id', async () => {
      const before = (await h.posted()).length;
      const ids: string[] = [];
      const small = bigDigest(0);
      const result = await platform.postDigest(
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
      const posted = (await h.posted()).slice(before);
      expect(posted).toHaveLength(1);
      expect(posted[0]!.text).toContain(titleKey(1));
      expect(posted[0]!.text).toContain('Hugging Face Daily Papers · Fri 13 Nov 2026');
    });

    it('splits a digest that does not fit between papers, never mid-paper, each paper once and in order', async () => {
      const before = (await h.posted()).length;
      const ids: string[] = [];
      const result = await platform.postDigest(h.channel, bigDigest(25, 10), {
        thread: false,
        alreadyPosted: [],
        onPosted: async (id) => void ids.push(id),
      });
      expect(result.messageIds).toEqual(ids);
      const parts = (await h.posted()).slice(before);
      expectSameParts(parts, ids);
      expectEachPaperOnceInOrder(parts, 35);
    });

    it('resumes after the parts already posted, posting only the rest', async () => {
      const first: string[] = [];
      await platform.postDigest(h.channel, bigDigest(25), {
        thread: false,
        alreadyPosted: [],
        onPosted: async (id) => void first.push(id),
      });
      const before = (await h.posted()).length;
      const rest: string[] = [];
      const result = await platform.postDigest(h.channel, bigDigest(25), {
        thread: false,
        alreadyPosted: first.slice(0, 1),
        onPosted: async (id) => void rest.push(id),
      });
      expect(rest).toHaveLength(first.length - 1);
      expect(result.messageIds).toEqual([first[0], ...rest]);
      const resumed = (await h.posted()).slice(before);
      expectSameParts(resumed, rest);
      // The first part (with the first paper) was recorded as posted: it is not posted again.
      expect(resumed.some((p) => p.text.includes(titleKey(0)))).toBe(false);
    });

    it('in thread mode, posts a header and the papers under it where threads exist, else in the channel', async () => {
      const before = (await h.posted()).length;
      const ids: string[] = [];
      await platform.postDigest(h.channel, bigDigest(12), {
        thread: true,
        alreadyPosted: [],
        onPosted: async (id) => void ids.push(id),
      });
      const parts = (await h.posted()).slice(before);
      expectSameParts(parts, ids);
      expectEachPaperOnceInOrder(parts, 12);
      if (platform.traits.threads) {
        const [header, ...replies] = parts;
        expect(header!.text).toContain('Hugging Face Daily Papers · Fri 13 Nov 2026');
        expect(header!.text).not.toContain(titleKey(0));
        expect(header!.threadOf).toBeUndefined();
        expect(replies.length).toBeGreaterThanOrEqual(2);
        for (const reply of replies) expect(reply.threadOf).toBe(header!.id);
      } else {
        for (const part of parts) expect(part.threadOf).toBeUndefined();
      }
    });

    it('fails permanently for a channel that is gone', async () => {
      const err = await platform
        .postDigest(h.goneChannel, bigDigest(1), { thread: false, alreadyPosted: [], onPosted: async () => {} })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(PlatformError);
      expect((err as PlatformError).permanent).toBe(true);
      expect((err as PlatformError).platform).toBe(h.name);
    });

    it('alerts and follow-ups: the settings, their help, bad input, and status', async () => {
      expect(await h.command('help', 'digest')).toContain('alerts on|off | alerts hours HH-HH|off | followups on|off');
      expect(await h.command('digest', 'alerts on')).toContain('Instant alerts are on');
      expect(await h.command('digest', 'alerts hours 08-20')).toContain('from 08:00 to 20:00 UTC');
      expect(await h.command('digest', 'followups off')).toContain('No code-release follow-ups.');
      const bad = await h.command('digest', 'alerts hours 25-3');
      expect(bad).toMatch(/digest alerts hours is two whole hours from 00 to 24 such as 08-20.*not [“"]25-3[”"]/);
      expect(bad).toContain('Usage: /papers digest');
      expect(await h.command('digest', 'alerts maybe')).toMatch(/digest alerts is on or off, not [“"]maybe[”"]/);
      expect(await h.command('digest', 'alerts hours')).toContain('digest alerts hours needs hours');
      expect(await h.command('digest', 'alerts on', { manager: false })).toContain('Only channel managers');
      expect(await h.command('status', '')).toContain('Alerts: on (08-20 UTC) · follow-ups: off');
      expect(await h.command('digest', 'alerts hours off')).toContain('at any hour');
      expect(await h.command('digest', 'followups on')).toContain('Follow-ups are on');
      expect(await h.command('digest', 'alerts off')).toContain('Instant alerts are off');
    });

    it('posts a 20-paper alert within its limits, every title and link once, and a follow-up in the digest thread', async () => {
      const channel = await core.services.channels.find(h.channel);
      const ids = (await app.services.papers.listedBetween('2026-11-02', '2026-11-13', 20)).map((p) => p.id);
      expect(ids).toHaveLength(20);
      const composed = await app.services.digests.composeAlert(channel, 'alert-1', ids);
      if (!composed.ok) throw new Error(composed.reason);
      const before = (await h.posted()).length;
      const posted: string[] = [];
      await platform.postDigest(h.channel, composed.digest.message, {
        thread: false,
        alreadyPosted: [],
        onPosted: async (id) => void posted.push(id),
      });
      const parts = (await h.posted()).slice(before);
      expectSameParts(parts, posted);
      const all = parts.map((p) => p.text).join('\n');
      for (const p of await app.services.papers.findByIds(ids)) expect(all).toContain(p.id);
      expect(all).toContain('New on Hugging Face for your topics (20 papers)');

      // A threaded digest, then a follow-up answering its header.
      const header: string[] = [];
      await platform.postDigest(h.channel, bigDigest(3), {
        thread: true,
        alreadyPosted: [],
        onPosted: async (id) => void header.push(id),
      });
      const followup = await app.services.digests.composeFollowup('9901.00131:repo');
      if (!followup.ok) throw new Error(followup.reason);
      const at = (await h.posted()).length;
      await platform.postDigest(h.channel, followup.digest.message, {
        thread: false,
        replyTo: header[0],
        alreadyPosted: [],
        onPosted: async () => {},
      });
      const [reply, ...more] = (await h.posted()).slice(at);
      expect(more).toEqual([]);
      expect(reply!.text).toContain('Code released for');
      expect(reply!.text).toContain('https://github.com/NJUST-VIPGroup/Equiangular-Basis-Vectors');
      if (platform.traits.threads) expect(reply!.threadOf).toBe(header[0]);
      else expect(reply!.threadOf).toBeUndefined();
    });

    readingListContract(() => ({ h, core, platform }));
    it('discovery: author: search, follow, similar with shared terms, rising and its bad window', async () => {
      expect(await h.command('search', 'author:"author a2"')).toContain(
        'Gradient-Normalized Smoothness for Optimization with Approximate Hessians',
      );
      expect(await h.command('follow', 'org nvidia')).toContain('Subscribed this channel to “org:"nvidia"”');
      expect(await h.command('topics', '')).toContain('org:"nvidia"');
      const similar = await h.command('similar', '9901.00066 3');
      expect(similar).toContain('Similar to TRP: Trained Rank Pruning for Efficient Deep Neural Networks');
      expect(similar).toContain('Trained Rank Pruning for Efficient Deep Neural Networks');
      expect(similar).toMatch(/Shared: \S+/);
      expect(await h.command('rising', '7d')).toContain('Rising · upvotes gained in the last 7 days');
      expect(await h.command('rising', '3d')).toMatch(/window must be one of 24h, 7d, not [“"]3d[”"]/);
    });
  });
}
