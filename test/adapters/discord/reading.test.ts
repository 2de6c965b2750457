/**
 * Reading lists and votes on Discord through the real discord.js client: the export as a code block or as an
 * ephemeral attachment, Save and votes answered to the presser only, with no channel message.
 */
import { MessageFlags } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordPlatform } from '../../../adapters/discord/platform.js';
import { userKey } from '../../../src/ports/reading.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../../support/databases.js';
import {
  buttonPress,
  CHANNEL_ID,
  chatInput,
  fakeDiscordAdapter,
  GUILD_ID,
  seen,
  send,
  USER_ID,
} from '../../support/discord-harness.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { sample } from '../../support/fixtures.js';
import { type TestCore, testApp, testCore } from '../../support/services.js';

describe('Discord: reading lists and votes through the real client', () => {
  let database: TestDatabase;
  let fake: FakeDiscord;
  let platform: DiscordPlatform;
  let core: TestCore;

  beforeAll(async () => {
    database = await drivers[0]!.open();
    fake = await new FakeDiscord().start();
    const app = testApp(database, { clock: new FixedClock('2026-11-16T12:00:00Z') });
    await app.services.ingest.importRecords(sample(), 'sample');
    platform = fakeDiscordAdapter(fake);
    core = testCore(app, [platform]);
    await platform.start(core.dispatcher);
  }, 120_000);
  afterAll(async () => {
    await platform.stop();
    await fake.stop();
    await database.close();
  });

  const ids = Array.from({ length: 12 }, (_, i) => `9901.${String(i + 1).padStart(5, '0')}`);
  const command = async (name: string, options: { name: string; type: number; value: string }[]) => {
    const raw = chatInput(fake, name, options);
    const answers = await send(platform, fake, raw);
    return { answers, text: seen(fake, raw.id) };
  };
  const press = async (customId: string, userId = USER_ID) => {
    const raw = buttonPress(fake, customId, false, { userId });
    const answers = await send(platform, fake, raw);
    return { answers, text: seen(fake, raw.id) };
  };
  const flagsOf = (answer: { body?: Record<string, unknown> | undefined }) =>
    ((answer.body?.data as { flags?: number } | undefined)?.flags ?? 0) & MessageFlags.Ephemeral;

  it('saves from a button under a public message, answering only the presser', async () => {
    const before = fake.messagesIn(CHANNEL_ID).length;
    const { answers, text } = await press(`save:${ids[0]}`);
    expect(text).toContain('to your reading list (1 paper)');
    expect(answers).toHaveLength(1);
    expect(flagsOf(answers[0]!)).toBe(MessageFlags.Ephemeral);
    expect(fake.messagesIn(CHANNEL_ID)).toHaveLength(before);
  });

  it('exports a short list as a code block', async () => {
    const { answers, text } = await command('saved', [{ name: 'action', type: 3, value: 'export' }]);
    expect(text).toContain('```bibtex\n@misc{');
    expect(text).toContain(`eprint = {${ids[0]}}`);
    expect(answers[0]!.files ?? []).toHaveLength(0);
    expect(flagsOf(answers[0]!)).toBe(MessageFlags.Ephemeral);
  });

  it('attaches papers.bib to the ephemeral answer when the list does not fit a message', async () => {
    for (const id of ids.slice(1)) await press(`save:${id}`);
    expect(await core.services.readingLists.count(userKey('discord', USER_ID))).toBe(12);
    const { answers, text } = await command('saved', [{ name: 'action', type: 3, value: 'export' }]);
    expect(text).toContain('Your reading list as BibTeX: 12 entries (papers.bib).');
    expect(text).not.toContain('@misc{');
    const [file] = answers[0]!.files!;
    expect(file!.filename).toBe('papers.bib');
    const bib = file!.data.toString('utf8');
    expect(bib.match(/^@misc\{/gm)).toHaveLength(12);
    expect(flagsOf(answers[0]!)).toBe(MessageFlags.Ephemeral);
  });

  it('counts a vote once per member and answers it ephemerally, with the channel counts', async () => {
    const before = fake.messagesIn(CHANNEL_ID).length;
    expect((await press(`vote:up:${ids[0]}`)).text).toContain('👍 1 · 👎 0');
    expect((await press(`vote:up:${ids[0]}`)).text).toContain('You had already voted 👍');
    const other = await press(`vote:down:${ids[0]}`, '4000000000000000009');
    expect(other.text).toContain('👍 1 · 👎 1');
    // The pressed message carries the button: its label is updated in place, and the voter is told privately.
    expect(other.answers.map((a) => a.kind)).toEqual(['callback', 'followup']);
    expect((other.answers[0]!.body as { type: number }).type).toBe(7);
    expect((other.answers[1]!.body as { flags?: number }).flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(fake.messagesIn(CHANNEL_ID)).toHaveLength(before);
  });

  it("a vote on a digest card updates that card's buttons in place, then tells the voter privately", async () => {
    const channel = await core.services.channels.find({ platform: 'discord', address: `${GUILD_ID}/${CHANNEL_ID}` });
    const composed = await core.services.digests.composeDaily(channel, '2026-11-13');
    if (!composed.ok) throw new Error(composed.reason);
    const ids: string[] = [];
    await platform.postDigest(channel, composed.digest.message, {
      thread: false,
      alreadyPosted: [],
      onPosted: async (id) => void ids.push(id),
    });
    const posted = fake.messagesIn(CHANNEL_ID).find((m) => m.id === ids[0])!;
    const paperId = composed.digest.paperIds[1]!;
    const raw = buttonPress(fake, `vote:down:${paperId}`, false, { userId: '4000000000000000007' });
    const pressed = { ...raw, message: fake.messageObject(posted.id, CHANNEL_ID, posted.body) };
    const before = fake.messagesIn(CHANNEL_ID).length;
    const answers = await send(platform, fake, pressed);
    const update = answers[0]!.body as {
      type: number;
      data: { components: { components: { custom_id: string; label: string }[] }[] };
    };
    expect(update.type).toBe(7);
    const labels = Object.fromEntries(
      update.data.components.flatMap((r) => r.components.map((b) => [b.custom_id, b.label])),
    );
    expect(labels[`vote:down:${paperId}`]).toBe('2 · 👎 1');
    expect(labels[`vote:up:${paperId}`]).toBe('2 · 👍 0');
    expect(labels[`save:${paperId}`]).toBe('2 · Save');
    expect(answers[1]!.kind).toBe('followup');
    expect((answers[1]!.body as { flags?: number }).flags! & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(seen(fake, pressed.id)).toContain('👎 counted for');
    expect(fake.messagesIn(CHANNEL_ID)).toHaveLength(before);
  });
});
