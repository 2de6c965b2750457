import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../src/index.js';

/**
 * Bolt's and the Slack SDKs' logger interface on top of our pino logger, so their lines carry our context and
 * format instead of going to the console.
 *
 * NOTE: their debug lines are dropped, whatever LOG_LEVEL says: @slack/web-api logs request bodies at debug and
 * only redacts keys containing "token", so `oauth.v2.access`'s client_secret would reach the log.
 */
export function boltLogger(log: Logger): SlackLogger {
  const child = log.child({ component: 'bolt' });
  const write = (level: 'info' | 'warn' | 'error', args: unknown[]) => {
    const err = args.find((a): a is Error => a instanceof Error);
    const text = args
      .filter((a) => a !== err)
      // Objects are left out: they may hold a token, and pino's redaction cannot see inside a string.
      .filter((a) => ['string', 'number', 'boolean'].includes(typeof a))
      .map(String)
      .join(' ');
    if (err) child[level]({ err }, text || err.message);
    else child[level](text);
  };
  return {
    debug: () => {},
    info: (...args: unknown[]) => write('info', args),
    warn: (...args: unknown[]) => write('warn', args),
    error: (...args: unknown[]) => write('error', args),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}
