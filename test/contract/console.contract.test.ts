import { PassThrough } from 'node:stream';
import { ConsolePlatform } from '../../adapters/console/index.js';
import { describeChatPlatformContract } from './chat-platform.contract.js';

describeChatPlatformContract('console', async (core) => {
  const input = new PassThrough();
  let output = '';
  const platform = new ConsolePlatform({ input, output: { write: (t: string) => (output += t) }, interactive: false });
  return {
    platform,
    channel: { platform: 'console', channelId: 'local' },
    goneChannel: { platform: 'console', channelId: 'elsewhere' },
    async command(command, text, options) {
      if (options?.manager === false) {
        // The person at the console owns console:local; non-managers exist only on chat platforms. Exercise the
        // dispatcher the adapter uses, with isManager false.
        const result = await core().dispatcher.dispatch({
          platform: 'console',
          command,
          input: { kind: 'text', text },
          user: { id: 'guest', displayName: 'guest' },
          channel: { platform: 'console', channelId: 'local' },
          isManager: false,
        });
        return result.message.text;
      }
      const start = output.length;
      input.write(`/papers ${command} ${text}\n`);
      await new Promise((r) => setImmediate(r));
      await platform.whenIdle();
      return output.slice(start);
    },
    async posted() {
      return output.split('━━━ Digest for console:local ━━━').slice(1);
    },
    async close() {
      input.end();
    },
  };
});
