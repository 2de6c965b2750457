/**
 * The optional HTTP server (`HTTP_PORT`): health, metrics, feeds, and whatever route group comes next. Read-only
 * (GET and HEAD), small and defensive: a bounded URL, timeouts on slow clients, and a route that throws answers 500
 * instead of taking the bot down. In Slack HTTP mode on the same port the same handler is mounted on Bolt's
 * receiver instead of opening a second server (see `handleHttpRequest`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { HttpRoute } from './route.js';

/** Longest request target accepted; longer ones get 414 (no route needs more than a path and a short query). */
export const MAX_URL_LENGTH = 2048;

/** Timeouts on one connection: a client that sends its request slowly, or never, is cut off. */
export const HTTP_TIMEOUTS = {
  /** The whole request (headers and any body) must arrive within this. */
  requestMs: 10_000,
  /** The headers must arrive within this. */
  headersMs: 5_000,
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: 5_000,
  /** A socket with no activity at all is closed after this. */
  idleSocketMs: 30_000,
} as const;

export interface HttpServerOptions {
  readonly port: number;
  /** Interface to listen on; default all (a container's port must be reachable from outside it). */
  readonly host?: string | undefined;
  /** Tried in order; the first that returns true has answered. */
  readonly routes: readonly HttpRoute[];
  readonly log: Logger;
}

export interface RunningHttpServer {
  /** The port listened on (the one given, or the one the system chose for port 0). */
  readonly port: number;
  readonly server: Server;
  /** Stops accepting connections and closes the open ones. Idempotent. */
  close(): Promise<void>;
}

/**
 * Answers one request from `routes`: 414 for an over-long URL, 405 for a method other than GET or HEAD, 400 for a
 * target that is not a path, 404 when no route answers, 500 when a route throws (logged). Never throws.
 */
export async function handleHttpRequest(
  routes: readonly HttpRoute[],
  log: Logger,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const target = req.url ?? '';
    if (target.length > MAX_URL_LENGTH) return plain(res, 414, 'URI too long');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return plain(res, 405, 'method not allowed');
    }
    if (!target.startsWith('/')) return plain(res, 400, 'bad request');
    let url: URL;
    try {
      url = new URL(target, 'http://localhost');
    } catch {
      return plain(res, 400, 'bad request');
    }
    for (const route of routes) {
      if (await route(req, res, url)) return;
    }
    plain(res, 404, 'not found');
  } catch (err) {
    log.error({ err, path: (req.url ?? '').slice(0, 200) }, 'HTTP route failed');
    if (!res.headersSent) plain(res, 500, 'internal error');
    else res.destroy();
  }
}

/** A short text/plain answer (no body on HEAD: Node leaves it out). */
export function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(`${text}\n`);
}

/** Applies HTTP_TIMEOUTS to a server (ours, or Bolt's when the routes are mounted on it). */
export function applyHttpTimeouts(server: Server): void {
  server.requestTimeout = HTTP_TIMEOUTS.requestMs;
  server.headersTimeout = HTTP_TIMEOUTS.headersMs;
  server.keepAliveTimeout = HTTP_TIMEOUTS.keepAliveMs;
  server.setTimeout(HTTP_TIMEOUTS.idleSocketMs, (socket) => socket.destroy());
}

/**
 * Starts the server on `port` (0: any free port).
 * @throws BotError CONFIG_INVALID when the port is taken or cannot be listened on.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { routes, log } = options;
  // Node enforces the request and headers timeouts on a periodic check (default every 30 s): check every second.
  const server = createServer({ connectionsCheckingInterval: 1_000 }, (req, res) => {
    void handleHttpRequest(routes, log, req, res);
  });
  applyHttpTimeouts(server);
  // A malformed request (bad request line, headers too large) gets 400 and its socket closed; never an exception.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.destroyed) {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      socket.end(`HTTP/1.1 ${status} Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    }
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException) => {
      reject(
        new BotError(
          err.code === 'EADDRINUSE'
            ? `HTTP_PORT ${options.port} is already in use: choose another port`
            : `cannot listen on HTTP_PORT ${options.port}: ${err.message}`,
          'CONFIG_INVALID',
          { cause: err },
        ),
      );
    };
    server.once('error', failed);
    server.listen({ port: options.port, ...(options.host ? { host: options.host } : {}) }, () => {
      server.off('error', failed);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, 'HTTP server error'));
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'HTTP server listening');
  let closing: Promise<void> | undefined;
  return {
    port,
    server,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // Requests in flight are short (health, metrics, a feed): give them a moment, then cut.
        setTimeout(() => server.closeAllConnections(), 1_000).unref();
      });
      return closing;
    },
  };
}
