import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPlatforms } from '../../adapters/registry.js';
import { packageVersion } from '../../src/paths.js';
import type { ChatPlatform, PlatformModule } from '../../src/ports/platform.js';
import { cli } from '../support/cli.js';
import { unusedPort } from '../support/ports.js';

/** A chat platform that is done as soon as it has started: the bot starts, then stops on its own. */
const oneshot: PlatformModule<null> = {
  name: 'oneshot',
  traits: { managers: 'nobody', buttonTtlMs: 60_000, threads: false },
  async configure(env) {
    return env.ONESHOT === 'on' ? { on: true, config: null } : { on: false, reason: 'ONESHOT not on' };
  },
  async create(): Promise<ChatPlatform> {
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    return {
      name: 'oneshot',
      traits: oneshot.traits,
      async start() {
        setTimeout(done, 10);
      },
      async stop() {},
      async postDigest() {
        return { messageIds: [] };
      },
      finished,
    };
  },
};

/** The bot as a service (stderr not a terminal): JSON lines, and a start-up line that says what runs. */
describe('production logs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-logs-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('logs JSON lines, starting with the version, database kind, platforms on/off and why, and the schedule', async () => {
    const platforms = builtinPlatforms();
    platforms.register(oneshot);
    const r = await cli(
      ['start'],
      {
        ONESHOT: 'on',
        PAPERPULSE_DATA_DIR: join(dir, 'data'),
        PAPERPULSE_SCHEDULER: 'off',
        HF_API_URL: `http://127.0.0.1:${await unusedPort()}`,
      },
      { platforms },
    );
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const start = entries.find((e) => e.msg === 'PaperPulse starting');
    expect(start).toMatchObject({
      version: packageVersion(),
      database: 'pglite',
      platforms:
        'discord: off (DISCORD_TOKEN not set) · slack: off (no SLACK_BOT_TOKEN or SLACK_CLIENT_ID set) · console: off (a chat platform is on) · oneshot: on',
      schedule: 'off',
    });
    expect(entries.indexOf(start!)).toBe(0);
    expect(entries.some((e) => String(e.msg).includes('bundled sample was loaded'))).toBe(true);
  });
});
