import { builtinPlatforms } from '../../adapters/registry.js';
import { type MemoryPlatform, memoryModule } from '../platforms/memory/index.js';
import { describeChatPlatformContract } from './chat-platform.contract.js';

/** A fourth platform from test/, registered on the registry the real adapters use, through the whole contract. */
describeChatPlatformContract('memory (a platform from test/)', async () => {
  const registry = builtinPlatforms();
  registry.register(memoryModule);
  let platform: MemoryPlatform | undefined;
  return {
    name: 'memory',
    registry,
    env: { MEMORY_PLATFORM: 'on', MEMORY_MANAGERS: 'ada' },
    channel: { platform: 'memory', address: 'lab/papers' },
    goneChannel: { platform: 'memory', address: 'gone/papers' },
    async ready(context) {
      platform = context.platform as MemoryPlatform;
    },
    command: (command, text, options) =>
      platform!.type(options?.manager === false ? 'bob' : 'ada', 'lab/papers', `${command} ${text}`),
    users: { manager: 'ada', member: 'bob' },
    press: (action, options) => platform!.press(options?.manager === false ? 'bob' : 'ada', 'lab/papers', action.id),
    async posted() {
      return platform!.messages.filter((m) => m.channel === 'lab/papers');
    },
    async close() {},
  };
});
