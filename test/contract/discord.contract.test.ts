import { vi } from 'vitest';
import type { ChannelRef } from '../../src/index.js';
import {
  CHANNEL_ID,
  chatInput,
  definition,
  fakeDiscordAdapter,
  GUILD_ID,
  MANAGER_PERMISSIONS,
  MEMBER_PERMISSIONS,
  seen,
  send,
  textToOptions,
} from '../support/discord-harness.js';
import { FakeDiscord, messageText } from '../support/fake-discord.js';
import { describeChatPlatformContract } from './chat-platform.contract.js';

// The real discord.js client against a local fake Discord; the channel bucket runs 10 times faster (5 messages per
// 0.5 s) so the split digests exercise rate-limit waits without slowing the suite.
//
// nonceWindowMs 0: the contract's resume case posts a whole digest, then posts it again with only the first part
// recorded, to stand for "the other parts were never posted". The adapter sends each part with a nonce and
// enforce_nonce, so within Discord's nonce memory ("the past few minutes") Discord would rightly answer with the
// messages already there and post nothing new (test/adapters/discord/digest.test.ts covers that). Here the fake
// behaves as Discord does once that memory has passed, which is when the core resumes a delivery (after its lease).
// The shared setup (PGlite, the 215-paper sample) can take over vitest's default 10 s hook timeout when several
// suites run at once on a small machine; npm test passes --hookTimeout=120000, this keeps the file runnable alone.
vi.setConfig({ hookTimeout: 120_000 });

describeChatPlatformContract('discord', async () => {
  const fake = await new FakeDiscord({ timeScale: 0.1, nonceWindowMs: 0 }).start();
  const platform = fakeDiscordAdapter(fake);
  const channel: ChannelRef = { platform: 'discord', channelId: CHANNEL_ID, workspaceId: GUILD_ID };
  const gone = '3999999999999999999';
  fake.gone.add(gone);
  return {
    platform,
    channel,
    goneChannel: { platform: 'discord', channelId: gone, workspaceId: GUILD_ID },
    async command(command, text, options) {
      const raw = chatInput(fake, command, textToOptions(definition(command), text), {
        permissions: options?.manager === false ? MEMBER_PERMISSIONS : MANAGER_PERMISSIONS,
      });
      await send(platform, fake, raw);
      return seen(fake, raw.id);
    },
    async posted() {
      return fake.messagesIn(CHANNEL_ID).map((m) => messageText(m.body));
    },
    async close() {
      await fake.stop();
    },
  };
});
