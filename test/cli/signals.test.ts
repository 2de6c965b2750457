import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { childEnv, Session } from '../support/spawn.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A signal to the process a user or a supervisor started stops the bot: `npm start` (npm passes it on to node) and
 * `node adapters/paperpulse.js start` (what the container runs). The bot exits 0 within 10 s and releases the
 * data-directory lock; no node process is left behind.
 */
describe('stopping the bot with a signal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pp-signals-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    { name: 'npm start', command: 'npm', args: ['start', '--silent'], signal: 'SIGTERM' },
    { name: 'node directly', command: process.execPath, args: ['adapters/paperpulse.js', 'start'], signal: 'SIGTERM' },
  ] as const;

  for (const c of cases) {
    it(`${c.signal} to ${c.name}: exit 0 within 10 s, lock released, no process left`, async () => {
      const data = join(dir, c.name.replace(/\W+/g, '-'));
      const bot = new Session(
        c.command,
        c.args,
        childEnv({ PAPERPULSE_DATA_DIR: data, HF_API_URL: 'http://127.0.0.1:9', HF_TIMEOUT_MS: '1000' }),
      );
      // stdin stays open: the console waits for commands, as it would in a terminal or a container.
      await bot.waitFor('See a digest with', { timeoutMs: 120_000 });
      const lock = join(data, 'paperpulse.lock');
      expect(existsSync(lock)).toBe(true);
      const nodePid = Number(readFileSync(lock, 'utf8'));
      expect(alive(nodePid)).toBe(true);
      const sent = Date.now();
      bot.signal(c.signal);
      const code = await Promise.race([
        bot.exited,
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000)),
      ]);
      if (code === 'timeout') bot.kill();
      expect(code, bot.stderr).toBe(0);
      expect(Date.now() - sent).toBeLessThan(10_000);
      // The node process itself (npm's child) is gone too, and took its lock with it.
      for (let i = 0; i < 20 && alive(nodePid); i++) await new Promise((r) => setTimeout(r, 100));
      const left = alive(nodePid);
      if (left) process.kill(nodePid, 'SIGKILL');
      expect(left, 'node is still running').toBe(false);
      expect(existsSync(lock), 'the lock is released').toBe(false);
    }, 180_000);
  }
});
