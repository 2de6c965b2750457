import { createServer } from 'node:net';

/**
 * A port on 127.0.0.1 that was free a moment ago: nothing listens on it, so connecting is refused (a network that
 * is "down" for the code under test), and a server may take it (a port chosen before the server starts).
 */
export function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
