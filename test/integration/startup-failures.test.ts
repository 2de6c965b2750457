/**
 * Settings that cannot work fail at start with one line naming the variable, quickly: a port out of range, a
 * database that accepts connections but never answers, a data directory under /proc.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { silentLog } from '../support/databases.js';

describe('settings that cannot work fail at start, naming the variable', () => {
  it('DATABASE_URL with port 99999', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@127.0.0.1:99999/db' })).toThrow(/DATABASE_URL must be/);
  });

  describe('a database that accepts connections and never answers', () => {
    let server: Server;
    let port = 0;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as { port: number }).port;
    });
    afterAll(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('is one error naming DATABASE_URL within ~10 s, not after a minute', async () => {
      const started = Date.now();
      await expect(
        createDatabase({ databaseUrl: `postgres://u@127.0.0.1:${port}/db`, dataDir: 'unused', log: silentLog }),
      ).rejects.toThrow(`DATABASE_URL: the database at 127.0.0.1:${port} did not answer within 10 s`);
      expect(Date.now() - started).toBeLessThan(15_000);
    }, 40_000);
  });

  it('PAPERPULSE_DATA_DIR under /proc: a clear error, no hang', async () => {
    const started = Date.now();
    await expect(createDatabase({ dataDir: '/proc/paperpulse-test/data', log: silentLog })).rejects.toThrow(
      /PAPERPULSE_DATA_DIR: cannot create the data directory \/proc\/paperpulse-test\/data/,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
