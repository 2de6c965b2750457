/**
 * `/papers` on Discord end to end: the real discord.js client receives raw INTERACTION_CREATE payloads, the real
 * core answers from PGlite with the bundled sample, and every answer travels over HTTP to the fake Discord API,
 * which checks its shape, its limits and its timing.
 */
import { MessageFlags, PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordPlatform } from '../../../adapters/discord/platform.js';
import { BotError, type Choice } from '../../../src/index.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../../support/databases.js';
import {
  ADDRESS,
  autocomplete,
  BOT_CHANNEL_PERMISSIONS,
  buttonPress,
  CHANNEL_ID,
  chatInput,
  fakeDiscordAdapter,
  MEMBER_PERMISSIONS,
  type RawOption,
  seen,
  send,
} from '../../support/discord-harness.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { FakeHuggingFace } from '../../support/fake-huggingface.js';
import { paper250904664, sample } from '../../support/fixtures.js';
import { captureLogs } from '../../support/log-capture.js';
import { type TestCore, testApp, testCore } from '../../support/services.js';

const str = (name: string, value: string, focused = false): RawOption => ({
  name,
  type: 3,
  value,
  ...(focused ? { focused } : {}),
});
const int = (name: string, value: number): RawOption => ({ name, type: 4, value });
const bool = (name: string, value: boolean): RawOption => ({ name, type: 5, value });

const EPHEMERAL = MessageFlags.Ephemeral;

describe('Discord interactions through the real client', () => {
  let database: TestDatabase;
  let fake: FakeDiscord;
  let hf: FakeHuggingFace;
  let platform: DiscordPlatform;
  let core: TestCore;
  const clock = new FixedClock('2026-11-16T12:00:00Z');
  const logs = captureLogs();

  beforeAll(async () => {
    database = await drivers[0]!.open();
    hf = await new FakeHuggingFace().start();
    fake = await new FakeDiscord().start();
    const app = testApp(database, { clock, hfUrl: hf.url, log: logs.log });
    await app.services.ingest.importRecords(sample(), 'sample');
    platform = fakeDiscordAdapter(fake, { log: logs.log });
    core = testCore(app, [platform]);
    await platform.start(core.dispatcher);
  }, 120_000);
  afterAll(async () => {
    await platform.stop();
    await fake.stop();
    await hf.stop();
    await database.close();
  });

  /** Runs `/papers command …` and returns the raw interaction, its answers and what the user saw. */
  async function run(command: string, options: RawOption[] = [], payload = {}) {
    const raw = chatInput(fake, command, options, payload);
    const answers = await send(platform, fake, raw);
    return { raw, answers, text: seen(fake, raw.id) };
  }

  type Answers = Awaited<ReturnType<typeof run>>['answers'];
  interface Body {
    flags?: number;
    content?: string;
    embeds?: { title: string; url?: string }[];
    components?: { components: { custom_id: string; label: string }[] }[];
  }
  const callback = (answers: Answers) => answers[0]!.body as { type: number; data: Body };

  /**
   * The messages the user got, in order, whichever way they came: a direct reply (type 4), or the edit of a
   * deferred one, then follow-ups. Under load a command may be deferred; what the user sees must not change.
   */
  const messages = (answers: Answers): Body[] =>
    answers.flatMap((a) => {
      if (a.kind === 'callback') {
        const cb = a.body as { type: number; data?: Body };
        return cb.type === 4 && cb.data ? [cb.data] : [];
      }
      return a.kind === 'delete' ? [] : [a.body as Body];
    });
  /** The More button of a search page, in whichever message part carries it. */
  const moreButton = (answers: Answers) =>
    messages(answers)
      .flatMap((m) => m.components ?? [])
      .flatMap((row) => row.components)
      .find((b) => b.custom_id?.startsWith('more:'))!;
  /** Whether the answer is for the caller only (the direct reply's or the deferral's flag). */
  const ephemeral = (answers: Answers) => ((callback(answers).data?.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

  it('help: answered directly (type 4), ephemeral, within the limits, listing every subcommand', async () => {
    const { answers, text } = await run('help');
    expect(answers).toHaveLength(1);
    expect(callback(answers).type).toBe(4);
    expect(callback(answers).data.flags).toBe(EPHEMERAL);
    expect(answers[0]!.elapsedMs).toBeLessThan(3_000);
    for (const name of [
      'help',
      'trending',
      'search',
      'paper',
      'topics',
      'subscribe',
      'unsubscribe',
      'digest',
      'status',
      'feed',
    ]) {
      expect(text).toContain(`/papers ${name}`);
    }
    expect(callback(answers).data).toMatchObject({ allowed_mentions: { parse: [] } });
  });

  it('public: the answer is visible to the channel', async () => {
    const { answers } = await run('help', [bool('public', true)]);
    expect(callback(answers).type).toBe(4);
    expect(callback(answers).data.flags ?? 0).toBe(0);
  });

  it('trending: 25 papers are split over a reply and follow-ups, never mid-paper', async () => {
    const { answers, text } = await run('trending', [str('period', 'week'), str('date', '2026-W46'), int('limit', 25)]);
    expect(text).toContain('Trending · week 2026-W46');
    expect(ephemeral(answers)).toBe(true);
    const followups = answers.filter((a) => a.kind === 'followup');
    expect(followups.length).toBeGreaterThan(0);
    expect(followups.every((a) => a.body?.flags === EPHEMERAL)).toBe(true);
    const embeds = messages(answers).flatMap((b) => b.embeds ?? []);
    expect(embeds).toHaveLength(25);
    expect(embeds.map((e) => Number(e.title.split('.')[0]))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it('trending: a user mistake is one line with the usage, ephemeral', async () => {
    const { answers, text } = await run('trending', [str('period', 'week'), str('date', '2026-W99')]);
    expect(ephemeral(answers)).toBe(true);
    expect(text).toMatch(/⚠️ [“"]2026-W99[”"] is not a week/);
    expect(text).toContain('Usage: /papers trending [day|week|month]');
  });

  it('search: a page of 5 with a "More" button whose custom id is the core action id; More shows the next page', async () => {
    const first = await run('search', [str('query', 'learning')]);
    const [data] = messages(first.answers);
    expect(data!.embeds).toHaveLength(5);
    // Each card has its own row (Save); the page's More button follows the cards.
    expect(data!.components![0]!.components[0]!.label).toBe('1 · Save');
    const button = moreButton(first.answers);
    expect(button.label).toBe('More');
    expect(button.custom_id).toMatch(/^more:[A-Za-z0-9_-]{12}$/);
    const press = buttonPress(fake, button.custom_id, true);
    const answers = await send(platform, fake, press);
    expect(ephemeral(answers)).toBe(true);
    expect(seen(fake, press.id)).toContain('Results 6–10');
  });

  it('search: a stale or unknown button gets the core’s polite answer', async () => {
    const first = await run('search', [str('query', 'learning')]);
    const id = moreButton(first.answers).custom_id;
    clock.advance(16 * 60_000);
    try {
      const expired = buttonPress(fake, id, true);
      await send(platform, fake, expired);
      expect(seen(fake, expired.id)).toContain('This search has expired (buttons last 15 minutes)');
    } finally {
      clock.advance(-16 * 60_000);
    }
    const unknown = buttonPress(fake, 'something-else', false);
    const answers = await send(platform, fake, unknown);
    expect(seen(fake, unknown.id)).toContain('That button is not one of mine any more');
    // A refusal is for the presser only, even under a public message (answered at once: no database work).
    expect(callback(answers)).toMatchObject({ type: 4, data: { flags: EPHEMERAL } });
  });

  it('paper: a paper from the archive is one card, linked to its Hugging Face page', async () => {
    const { answers } = await run('paper', [str('id', 'https://arxiv.org/abs/9901.00073v2')]);
    const embed = messages(answers)[0]!.embeds![0]!;
    expect(embed).toMatchObject({
      title: 'Sparsity-Constrained Optimal Transport',
      url: 'https://huggingface.co/papers/9901.00073',
    });
  });

  it('paper: slow work (Hugging Face takes 1.5 s) is deferred within 3 s, then the original is edited', async () => {
    hf.script(/\/api\/papers\/2509\.04664/, { delayMs: 1_500, body: paper250904664() });
    const { answers, text } = await run('paper', [str('id', '2509.04664')]);
    expect(answers.map((a) => a.kind)).toEqual(['callback', 'edit']);
    expect(answers[0]!.body).toEqual({ type: 5, data: { flags: EPHEMERAL } });
    expect(answers[0]!.elapsedMs).toBeLessThan(3_000);
    expect(answers[1]!.elapsedMs).toBeGreaterThanOrEqual(1_500);
    expect(text).toContain('Why Language Models Hallucinate');
  });

  it('paper: a deferred public request stays public', async () => {
    hf.script(/\/api\/papers\/2510\.00001/, { delayMs: 1_300, status: 404, body: { error: 'Paper not found' } });
    const { answers, text } = await run('paper', [str('id', '2510.00001'), bool('public', true)]);
    expect(answers[0]!.body).toEqual({ type: 5, data: { flags: 0 } });
    expect(answers[1]!.kind).toBe('edit');
    expect(text).toContain('No paper 2510.00001 on Hugging Face Papers.');
  });

  it('subscribe: refused to a member without Manage Channels or Manage Server, and nothing is written', async () => {
    const { answers, text } = await run('subscribe', [str('topic', 'diffusion')], { permissions: MEMBER_PERMISSIONS });
    expect(ephemeral(answers)).toBe(true);
    expect(text).toContain("Only channel managers can change this channel's settings");
    expect(text).toContain('Manage Channels or Manage Server');
    expect(await core.services.channels.topics((await core.services.channels.find(ref())).pk)).toEqual([]);
  });

  it('subscribe, topics, unsubscribe with autocomplete of the channel’s topics', async () => {
    expect((await run('subscribe', [str('topic', 'optimal transport')])).text).toContain(
      'Subscribed this channel to “optimal transport”',
    );
    // Manage Server alone is enough too.
    expect(
      (await run('subscribe', [str('topic', 'diffusion models')], { permissions: PermissionFlagsBits.ManageGuild }))
        .text,
    ).toContain('Subscribed this channel to “diffusion models”');
    expect((await run('topics')).text).toContain('1. optimal transport\n2. diffusion models');

    const typing = autocomplete(fake, 'unsubscribe', [str('topic', 'diff', true)]);
    const answers = await send(platform, fake, typing);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.body).toEqual({
      type: 8,
      data: { choices: [{ name: '2. diffusion models', value: 'diffusion models' }] },
    });
    expect(answers[0]!.elapsedMs).toBeLessThan(3_000);

    expect((await run('unsubscribe', [str('topic', 'diffusion models')])).text).toContain(
      'Unsubscribed this channel from “diffusion models”',
    );
    expect(
      (await run('unsubscribe', [str('topic', 'diffusion models')], { permissions: MEMBER_PERMISSIONS })).text,
    ).toContain('Only channel managers');
  });

  it('digest timezone autocomplete: at most 25 IANA zones, answered well inside 3 s', async () => {
    const typing = autocomplete(fake, 'digest', [str('setting', 'timezone'), str('value', 'america', true)]);
    const answers = await send(platform, fake, typing);
    const choices = (answers[0]!.body as { data: { choices: { name: string; value: string }[] } }).data.choices;
    expect(choices.length).toBeGreaterThan(1);
    expect(choices.length).toBeLessThanOrEqual(25);
    expect(choices.every((c) => c.value.startsWith('America/'))).toBe(true);
    expect(answers[0]!.elapsedMs).toBeLessThan(2_500);
    const empty = autocomplete(fake, 'digest', [str('setting', 'timezone'), str('value', '', true)]);
    const all = await send(platform, fake, empty);
    expect((all[0]!.body as { data: { choices: unknown[] } }).data.choices).toHaveLength(25);
  });

  it('digest: settings change for managers; turning it on warns when the bot cannot post here', async () => {
    expect((await run('digest', [str('setting', 'timezone'), str('value', 'Europe/Paris')])).text).toContain(
      'The digest posts at 09:00 Europe/Paris.',
    );
    const noEmbeds = BOT_CHANNEL_PERMISSIONS & ~PermissionFlagsBits.EmbedLinks & ~PermissionFlagsBits.SendMessages;
    const on = await run('digest', [str('setting', 'on')], { appPermissions: noEmbeds });
    expect(on.text).toContain(
      'The daily digest is on in this channel. Next post: Tue 17 Nov 2026 at 09:00 Europe/Paris',
    );
    expect(on.text).toContain(
      '⚠️ I cannot post the digest in this channel yet: I am missing Send Messages, Embed Links here.',
    );
    const fine = await run('digest', [str('setting', 'on')]);
    expect(fine.text).not.toContain('I cannot post');
    const noThreads = BOT_CHANNEL_PERMISSIONS & ~PermissionFlagsBits.CreatePublicThreads;
    const thread = await run('digest', [str('setting', 'thread'), str('value', 'on')], { appPermissions: noThreads });
    expect(thread.text).toContain('Digest papers go in a thread under a header message.');
    expect(thread.text).toContain('I am missing Create Public Threads here.');
    const refused = await run('digest', [str('setting', 'off')], { permissions: MEMBER_PERMISSIONS });
    expect(refused.text).toContain('Only channel managers');
    expect((await core.services.channels.find(ref())).digestEnabled).toBe(true);
  });

  it('digest preview: open to everyone, public when asked, split between papers', async () => {
    const { answers, text } = await run('digest', [str('setting', 'preview'), bool('public', true)], {
      permissions: MEMBER_PERMISSIONS,
    });
    expect(ephemeral(answers)).toBe(false);
    expect(text).toContain('Preview: this is what the digest would post now');
    expect(text).toContain('Hugging Face Daily Papers · Fri 13 Nov 2026');
  });

  it('a payload with channel_id but no channel object (Discord documents `channel` as optional) is served', async () => {
    const raw = chatInput(fake, 'status', []) as Partial<ReturnType<typeof chatInput>>;
    delete raw.channel;
    const answers = await send(platform, fake, raw as ReturnType<typeof chatInput>);
    expect(answers.length).toBeGreaterThan(0);
    const text = seen(fake, raw.id!);
    expect(text).not.toContain('server channels only');
    expect(text).toMatch(/digest/i);
  });

  it('status: the channel’s settings and topics', async () => {
    const { text } = await run('status', [], { permissions: MEMBER_PERMISSIONS });
    expect(text).toContain('PaperPulse in this channel');
    expect(text).toContain('Time: 09:00 Europe/Paris, Monday to Friday');
    expect(text).toContain('Topics (1): optimal transport');
  });

  it('one failing interaction is logged with context and does not stop the next one', async () => {
    fake.script(
      'POST',
      /^\/interactions\/\d+\/[^/]+\/callback$/,
      { status: 500 },
      { status: 500 },
      { status: 500 },
      { status: 500 },
    );
    const failed = await run('help');
    expect(failed.answers).toEqual([]);
    const logged = logs.entries.find((e) => e.msg === 'interaction failed' && e.interaction === failed.raw.id);
    expect(logged).toMatchObject({ user: '4000000000000000001', channel: CHANNEL_ID });
    expect(logs.text()).not.toContain(failed.raw.token);
    expect(logs.text()).not.toContain(fake.token);
    expect((await run('help')).text).toContain('/papers search');
  });

  it('an interaction answered too late is logged as expired, not as a crash', async () => {
    const raw = chatInput(fake, 'help', []);
    // Registered 3.5 s ago: Discord has already given up on it.
    fake.expectInteraction(raw.id, raw.token);
    fake.interactions.set(raw.id, { ...fake.interactions.get(raw.id)!, sentAt: Date.now() - 3_500 });
    (platform.client as any).actions.InteractionCreate.handle(raw);
    await platform.whenIdle();
    expect(
      logs.entries.some((e) => e.msg === 'interaction expired before it was answered' && e.interaction === raw.id),
    ).toBe(true);
  });

  it('ignores interaction kinds it does not use (a modal submit)', async () => {
    const raw = { ...chatInput(fake, 'help', []), type: 5, data: { custom_id: 'x', components: [] } };
    const answers = await send(platform, fake, raw);
    expect(answers).toEqual([]);
  });
});

describe('Discord start-up', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await new FakeDiscord().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  const dispatcher = {
    commands: [],
    dispatch: async () => {
      throw new Error('unused');
    },
    dispatchAction: async () => {
      throw new Error('unused');
    },
    autocomplete: async () => [],
  };

  it('checks the token with one REST call before the gateway and says in one line when it is rejected', async () => {
    const connected: string[] = [];
    const platform = fakeDiscordAdapter(fake, {
      connect: async () => {
        connected.push('gateway');
      },
    });
    platform.client.rest.setToken('MTAwMDAwMDAwMDAwMDAwMDAw.GwRoNg.not-the-right-token-at-all');
    const err = await platform.start(dispatcher).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('CONFIG_INVALID');
    expect((err as BotError).message).toBe(
      'DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy a fresh token from the Developer Portal (your app → Bot → Reset Token)',
    );
    expect(connected).toEqual([]);
    await platform.stop();
  });

  it('names DISCORD_APPLICATION_ID when the token belongs to another application', async () => {
    const platform = fakeDiscordAdapter(fake);
    (platform as unknown as { config: { applicationId: string } }).config.applicationId = '1999999999999999999';
    await expect(platform.start(dispatcher)).rejects.toThrow(
      `DISCORD_APPLICATION_ID does not match DISCORD_TOKEN: the token belongs to application ${fake.applicationId}`,
    );
    await platform.stop();
  });

  it('without a connect override, logs in through discord.js: a token the gateway refuses is one line', async () => {
    const platform = fakeDiscordAdapter(fake, { connect: undefined });
    fake.script('GET', /^\/gateway\/bot$/, { status: 401, body: { message: '401: Unauthorized', code: 0 } });
    const err = await platform.start(dispatcher).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BotError);
    expect(err).toMatchObject({
      code: 'CONFIG_INVALID',
      message: 'DISCORD_TOKEN was rejected by the Discord gateway: reset it in the Developer Portal',
    });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/gateway/bot', status: 401 });
    await platform.stop();
  });

  it('runs every shard Discord recommends in one process (shards: auto), with the Guilds intent only', async () => {
    const platform = fakeDiscordAdapter(fake);
    expect(platform.client.options.shards).toBe('auto');
    expect(platform.client.options.intents.toArray()).toEqual(['Guilds']);
    await platform.stop();
  });

  it('autocomplete not ready within 2 s is answered empty, still inside Discord’s 3 s', async () => {
    const slow = {
      ...dispatcher,
      autocomplete: () =>
        new Promise<Choice[]>((resolve) => setTimeout(() => resolve([{ name: 'late', value: 'late' }]), 2_600)),
    };
    const platform = fakeDiscordAdapter(fake);
    await platform.start(slow);
    const raw = autocomplete(fake, 'unsubscribe', [str('topic', 'x', true)]);
    const answers = await send(platform, fake, raw);
    expect(answers.map((a) => a.body)).toEqual([{ type: 8, data: { choices: [] } }]);
    expect(answers[0]!.elapsedMs).toBeGreaterThanOrEqual(1_900);
    expect(answers[0]!.elapsedMs).toBeLessThan(3_000);
    await platform.stop();
  });

  it('starts once, connects the gateway once, and stops idempotently', async () => {
    let connects = 0;
    const platform = fakeDiscordAdapter(fake, { connect: async () => void connects++ });
    await platform.start(dispatcher);
    await platform.start(dispatcher);
    expect(connects).toBe(1);
    await platform.stop();
    await platform.stop();
    await expect(platform.start(dispatcher)).rejects.toThrow('the Discord adapter was stopped');
  });
});

function ref() {
  return { platform: 'discord' as const, address: ADDRESS };
}
