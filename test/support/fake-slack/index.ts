/**
 * The fake Slack, split by concern: documented.ts (Slack's documented numbers, with sources), options.ts (the
 * defaults), blocks.ts (Block Kit and metadata checks), rate-limit.ts, recorder.ts (what was accepted),
 * app-requests.ts (Slack's signed, timed requests to the app), socket-mode.ts (the WebSocket side, on `ws`) and
 * server.ts (the HTTP server and its Web API methods); faults come from ../fault-injection.ts.
 */
export * from './app-requests.js';
export * from './blocks.js';
export * from './documented.js';
export * from './options.js';
export * from './rate-limit.js';
export * from './recorder.js';
export * from './server.js';
export * from './socket-mode.js';
