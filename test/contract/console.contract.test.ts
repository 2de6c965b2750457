import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { builtinPlatforms } from '../../adapters/registry.js';
import type { ChatPlatform, CommandDispatcher } from '../../src/index.js';
import { describeChatPlatformContract, type PostedPart } from './chat-platform.contract.js';

/** A terminal for the console: what is typed goes in, what it prints is kept. */
function terminal() {
  const input = new PassThrough();
  let output = '';
  return {
    input,
    io: { stdin: input, stdout: { write: (t: string) => (output += t) } },
    get output() {
      return output;
    },
  };
}

/** Types a line into a console and returns what it printed in answer. */
async function type(
  console: { platform: ChatPlatform & { whenIdle(): Promise<void> }; term: ReturnType<typeof terminal> },
  line: string,
): Promise<string> {
  const start = console.term.output.length;
  console.term.input.write(`${line}\n`);
  await new Promise((r) => setImmediate(r));
  await console.platform.whenIdle();
  return console.term.output.slice(start);
}

describeChatPlatformContract('console', async () => {
  const registry = builtinPlatforms();
  const owner = terminal();
  // A second person at a second terminal who does not manage the channel: the same registry module, configured so.
  const guest = terminal();
  let consoles: { owner: ChatPlatform; guest: ChatPlatform } | undefined;
  const exports = mkdtempSync(join(tmpdir(), 'paperpulse-exports-'));
  const who = (options?: { manager?: boolean }) =>
    options?.manager === false
      ? { platform: consoles!.guest, term: guest }
      : { platform: consoles!.owner, term: owner };
  return {
    name: 'console',
    registry,
    env: { USER: 'tester', PAPERPULSE_EXPORT_DIR: exports },
    users: { manager: 'tester', member: 'guest' },
    // The console has no buttons: a button is its command, typed.
    press: (action, options) => type(who(options) as never, action.command!),
    async exported() {
      const files = readdirSync(exports).map((f) => join(exports, f));
      const newest = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
      return newest ? readFileSync(newest, 'utf8') : undefined;
    },
    io: owner.io,
    channel: { platform: 'console', address: 'local' },
    goneChannel: { platform: 'console', address: 'elsewhere' },
    async ready({ platform, app, core }) {
      const module = registry.get('console')!;
      const setup = await module.configure({ USER: 'guest', PAPERPULSE_EXPORT_DIR: exports });
      if (!setup.on) throw new Error('console is off');
      const second = await module.create(
        { ...(setup.config as object), manager: false },
        {
          log: app.log,
          state: app.platformState.scope('console'),
          io: guest.io,
          commands: app.commands.list,
        },
      );
      await second.start(core.dispatcher as CommandDispatcher);
      consoles = { owner: platform, guest: second };
    },
    async command(command, text, options) {
      return type(who(options) as never, `/papers ${command} ${text}`);
    },
    async posted(): Promise<PostedPart[]> {
      return owner.output
        .split('━━━ Digest for console:local ━━━')
        .slice(1)
        .map((text) => ({ text }));
    },
    async close() {
      await consoles?.guest.stop();
      owner.input.end();
      guest.input.end();
    },
  };
});
