import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * One group of routes on the optional HTTP server (`HTTP_PORT`): health and metrics, feeds, and whatever comes
 * next. A route answers the request and returns true, or returns false so the next route may; the server answers
 * 404 when none did. `url` is the parsed request URL (path and query), already bounded in length by the server.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;
