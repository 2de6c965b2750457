/**
 * A local Discord REST API on 127.0.0.1 for the real discord.js client (`rest: { api: fake.api }`). The fake lives in
 * ./fake-discord/; this file keeps the import path the tests use.
 */
export * from './fake-discord/index.js';
