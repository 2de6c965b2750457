/**
 * A plain node:http server on 127.0.0.1 (port 0) that runs route groups (HttpRoute) in order and answers 404 when
 * none takes the request: how the optional HTTP server mounts them, without its health and metrics routes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRoute } from '../../src/http/route.js';

export interface RouteServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveRoutes(routes: readonly HttpRoute[]): Promise<RouteServer> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    for (const route of routes) {
      if (await route(req, res, url)) return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
