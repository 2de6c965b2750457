/**
 * A fake Slack over real HTTP on 127.0.0.1 for the real @slack/web-api clients and the real Bolt app. The fake lives
 * in ./fake-slack/; this file keeps the import path the tests use.
 */
export * from './fake-slack/index.js';
