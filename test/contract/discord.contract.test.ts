import { vi } from 'vitest';
import type { DiscordAdapterConfig } from '../../adapters/discord/config.js';
import type { DiscordPlatform } from '../../adapters/discord/platform.js';
import { builtinPlatforms } from '../../adapters/registry.js';
import {
  ADDRESS,
  buttonPress,
  CHANNEL_ID,
  chatInput,
  definition,
  discordEnv,
  fakeOptions,
  GUILD_ID,
  MANAGER_PERMISSIONS,
  MEMBER_PERMISSIONS,
  seen,
  send,
  textToOptions,
  USER_ID,
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
vi.setConfig({ hookTimeout: 120_000 });

/** A member who does not manage the channel: another person than the manager. */
const MEMBER_ID = '4000000000000000002';
const who = (options?: { manager?: boolean }) =>
  options?.manager === false
    ? { permissions: MEMBER_PERMISSIONS, userId: MEMBER_ID }
    : { permissions: MANAGER_PERMISSIONS, userId: USER_ID };

describeChatPlatformContract('discord', async () => {
  const fake = await new FakeDiscord({ timeScale: 0.1, nonceWindowMs: 0 }).start();
  const gone = '3999999999999999999';
  fake.gone.add(gone);
  let platform: DiscordPlatform | undefined;
  return {
    name: 'discord',
    registry: builtinPlatforms(),
    env: discordEnv(fake),
    withOptions: (config) => ({ ...(config as DiscordAdapterConfig), options: fakeOptions(fake) }),
    channel: { platform: 'discord', address: ADDRESS },
    goneChannel: { platform: 'discord', address: `${GUILD_ID}/${gone}` },
    async ready(context) {
      platform = context.platform as DiscordPlatform;
    },
    users: { manager: USER_ID, member: MEMBER_ID },
    async command(command, text, options) {
      const raw = chatInput(fake, command, textToOptions(definition(command), text), who(options));
      await send(platform!, fake, raw);
      return seen(fake, raw.id);
    },
    async press(action, options) {
      const raw = buttonPress(fake, action.id, false, who(options));
      await send(platform!, fake, raw);
      return seen(fake, raw.id);
    },
    async posted() {
      // A digest thread shares its header message's id; its messages are in the thread's own channel.
      const inChannel = fake.messagesIn(CHANNEL_ID);
      return inChannel.flatMap((m) => [
        { id: m.id, text: messageText(m.body) },
        ...fake.messagesIn(m.id).map((r) => ({ id: r.id, text: messageText(r.body), threadOf: m.id })),
      ]);
    },
    async close() {
      await fake.stop();
    },
  };
});
