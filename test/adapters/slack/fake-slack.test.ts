import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boltLogger } from '../../../adapters/slack/bolt-logger.js';
import { toPlatformError } from '../../../adapters/slack/errors.js';
import { silentLog } from '../../support/databases.js';
import { FakeSlack } from '../../support/fake-slack.js';

/**
 * The fake Slack must refuse what Slack refuses, or the adapter's tests prove nothing: each Block Kit limit, the
 * cumulative text limit, the pacing limits. Driven with the real @slack/web-api client.
 */
describe('fake Slack: strict like Slack', () => {
  let fake: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    fake = await new FakeSlack({ channelIntervalMs: 200, workspaceMessages: 3, workspaceWindowMs: 400 }).start();
    fake.addWorkspace({ teamId: 'T1', botToken: 'xoxb-1' });
    client = new WebClient('xoxb-1', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: boltLogger(silentLog),
    });
  }, 60_000);
  afterAll(async () => {
    await fake.stop();
  }, 60_000);

  let n = 0;
  /** Posts to a fresh channel (no pacing in the way); resolves with the Slack error code, or 'ok'. */
  const tryPost = async (blocks: unknown[], text = 'fallback') => {
    try {
      await client.chat.postMessage({ channel: `CFRESH${++n}`, text, blocks: blocks as never });
      return 'ok';
    } catch (err) {
      return toPlatformError(err, 'post').platformCode;
    }
  };
  const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

  it('accepts a valid message and records it', async () => {
    expect(await tryPost([section('hello &amp; <https://x.org|link>')])).toBe('ok');
    expect(fake.messages.at(-1)).toMatchObject({ team: 'T1', text: 'fallback' });
  });

  it.each([
    ['51 blocks', Array.from({ length: 51 }, () => ({ type: 'divider' }))],
    ['a header of 151 characters', [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }]],
    ['a section of 3001 characters', [section('s'.repeat(3001))]],
    ['an empty section', [section('')]],
    ['11 fields', [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }]],
    ['a field of 2001 characters', [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }]],
    [
      '11 context elements',
      [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
    ],
    [
      '26 buttons',
      [
        {
          type: 'actions',
          elements: Array.from({ length: 26 }, (_, i) => ({
            type: 'button',
            action_id: `a${i}`,
            text: { type: 'plain_text', text: 'b' },
          })),
        },
      ],
    ],
    [
      'a button label of 76 characters',
      [
        {
          type: 'actions',
          elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
        },
      ],
    ],
    [
      'two buttons with one action_id',
      [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b' } },
            { type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'c' } },
          ],
        },
      ],
    ],
    ['unescaped < in mrkdwn', [section('a <b> c')]],
    ['unescaped & in mrkdwn', [section('fish & chips')]],
  ])('answers invalid_blocks to %s', async (_, blocks) => {
    expect(await tryPost(blocks)).toBe('invalid_blocks');
  });

  it('answers msg_blocks_too_long past about 13,200 characters of block text, each block within its limit', async () => {
    const five = Array.from({ length: 5 }, () => section('x'.repeat(2_640)));
    expect(await tryPost(five)).toBe('ok');
    expect(await tryPost([...five, section('x')])).toBe('msg_blocks_too_long');
  });

  it('answers 429 with Retry-After for a second message in a channel within the interval, and for a busy workspace', async () => {
    await client.chat.postMessage({ channel: 'CPACE', text: 'one' });
    const err = await client.chat.postMessage({ channel: 'CPACE', text: 'two' }).catch((e: unknown) => e);
    expect(toPlatformError(err, 'post')).toMatchObject({ platformCode: 'ratelimited', retryAfterMs: 1000 });
    expect(fake.limitRejections.at(-1)).toEqual({ team: 'T1', channel: 'CPACE', reason: 'channel' });
    await new Promise((r) => setTimeout(r, 450));
    for (const c of ['W1', 'W2', 'W3']) await client.chat.postMessage({ channel: c, text: c });
    const busy = await client.chat.postMessage({ channel: 'W4', text: 'w4' }).catch((e: unknown) => e);
    expect(toPlatformError(busy, 'post').platformCode).toBe('ratelimited');
    expect(fake.limitRejections.at(-1)).toMatchObject({ reason: 'workspace' });
  });

  it('refuses unknown tokens and unknown threads', async () => {
    const stranger = new WebClient('xoxb-stranger', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logger: boltLogger(silentLog),
    });
    expect(toPlatformError(await stranger.auth.test().catch((e: unknown) => e), 'x').platformCode).toBe('invalid_auth');
    const err = await client.chat
      .postMessage({ channel: 'CT', text: 't', thread_ts: '1.000001' })
      .catch((e: unknown) => e);
    expect(toPlatformError(err, 'post')).toMatchObject({ platformCode: 'thread_not_found', permanent: true });
  });
});
