/**
 * The fake Discord REST API, split by concern: documented.ts (Discord's documented numbers, with sources),
 * validate.ts (bodies as Discord checks them), rate-limit.ts, recorder.ts (what was accepted), server.ts (the HTTP
 * server and its routes); faults come from ../fault-injection.ts.
 */
export * from './documented.js';
export * from './rate-limit.js';
export * from './recorder.js';
export * from './server.js';
export * from './validate.js';
