import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { boltLogger } from '../../../adapters/slack/bolt-logger.js';
import { toPlatformError } from '../../../adapters/slack/errors.js';
import { silentLog } from '../../support/databases.js';
import {
  checkSlackBlocks,
  FakeSlack,
  type FakeSlackOptions,
  resolveOptions,
  SLACK_BLOCKS,
  SLACK_RATE_LIMITS,
  SLACK_RESPONSE_URL,
  SLACK_SCOPES,
} from '../../support/fake-slack.js';

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

/** A Web API call as a plain HTTP client makes it: form-encoded (or JSON), bearer token. */
async function api(
  fake: FakeSlack,
  method: string,
  params: Record<string, unknown>,
  token = 'xoxb-plain',
  encoding: 'form' | 'json' = 'form',
) {
  const body =
    encoding === 'json'
      ? JSON.stringify(params)
      : new URLSearchParams(
          Object.entries(params).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ).toString();
  const res = await fetch(`${fake.apiUrl}${method}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': encoding === 'json' ? 'application/json; charset=utf-8' : 'application/x-www-form-urlencoded',
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
}

describe('fake Slack: its own numbers', () => {
  it('defaults to the documented values', () => {
    expect(resolveOptions()).toMatchObject({
      channelIntervalMs: 1_000,
      channelBurst: 1,
      retryAfterUnitMs: 1_000,
      maxBlockText: 13_200,
      ackTimeoutMs: 3_000,
      eventRetryDelaysMs: [0, 60_000, 300_000],
      responseUrlMaxUses: 5,
      responseUrlTtlMs: 1_800_000,
      historyPerMinute: 50,
      historyMaxLimit: 999,
      historyDefaultLimit: 100,
      filesPerMinute: 100,
      tierWindowMs: 60_000,
      invalidMetadata: 'warn',
    });
    expect(SLACK_SCOPES.defaults).not.toContain('channels:history');
    expect(SLACK_SCOPES.defaults).not.toContain('files:write');
  });

  const section = (text: string, extra: object = {}) => ({ type: 'section', text: { type: 'mrkdwn', text }, ...extra });
  const actions = (element: object) => ({
    type: 'actions',
    elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b' }, ...element }],
  });
  const image = (extra: object) => ({ type: 'image', image_url: 'https://x.org/i.png', alt_text: 'a', ...extra });
  it.each([
    [
      'blocks per message',
      SLACK_BLOCKS.perMessage,
      (n: number) => Array.from({ length: n }, () => ({ type: 'divider' })),
    ],
    ['block_id', SLACK_BLOCKS.blockId, (n: number) => [section('s', { block_id: 'b'.repeat(n) })]],
    [
      'header text',
      SLACK_BLOCKS.headerText,
      (n: number) => [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(n) } }],
    ],
    ['section text', SLACK_BLOCKS.sectionText, (n: number) => [section('s'.repeat(n))]],
    [
      'section fields',
      SLACK_BLOCKS.sectionFields,
      (n: number) => [{ type: 'section', fields: Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'f' })) }],
    ],
    [
      'field text',
      SLACK_BLOCKS.fieldText,
      (n: number) => [{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(n) }] }],
    ],
    [
      'context elements',
      SLACK_BLOCKS.contextElements,
      (n: number) => [{ type: 'context', elements: Array.from({ length: n }, () => ({ type: 'mrkdwn', text: 'c' })) }],
    ],
    [
      'actions elements',
      SLACK_BLOCKS.actionsElements,
      (n: number) => [
        {
          type: 'actions',
          elements: Array.from({ length: n }, (_, i) => ({
            type: 'button',
            action_id: `a${i}`,
            text: { type: 'plain_text', text: 'b' },
          })),
        },
      ],
    ],
    [
      'button text',
      SLACK_BLOCKS.buttonText,
      (n: number) => [actions({ text: { type: 'plain_text', text: 'b'.repeat(n) } })],
    ],
    ['button value', SLACK_BLOCKS.buttonValue, (n: number) => [actions({ value: 'v'.repeat(n) })]],
    ['action_id', SLACK_BLOCKS.actionId, (n: number) => [actions({ action_id: 'a'.repeat(n) })]],
    ['image url', SLACK_BLOCKS.url, (n: number) => [image({ image_url: `https://x.org/${'i'.repeat(n - 14)}` })]],
    ['image alt_text', SLACK_BLOCKS.altText, (n: number) => [image({ alt_text: 'a'.repeat(n) })]],
    [
      'total block text',
      SLACK_BLOCKS.totalText,
      (n: number) => [...Array.from({ length: 4 }, () => section('x'.repeat(3_000))), section('x'.repeat(n - 12_000))],
    ],
  ])('blocks: %s at most %i', (_, max, blocks) => {
    expect(checkSlackBlocks(blocks(max))).toBeUndefined();
    expect(checkSlackBlocks(blocks(max + 1))?.error).toMatch(/^(invalid_blocks|msg_blocks_too_long)$/);
  });
});

describe('fake Slack: behaviours (plain HTTP and WebSocket clients)', () => {
  const fakes: FakeSlack[] = [];
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });
  const open = async (options: FakeSlackOptions = {}, scopes?: string[]) => {
    const fake = await new FakeSlack(options).start();
    fake.addWorkspace({ teamId: 'TP', botToken: 'xoxb-plain', ...(scopes ? { scopes } : {}) });
    fakes.push(fake);
    return fake;
  };
  /** A stand-in for the app's HTTP endpoint: answers each request after `delayMs(n)` with `status(n)`. */
  const app = async (
    answer: (
      n: number,
      req: IncomingMessage,
    ) => { delayMs?: number; status?: number; headers?: Record<string, string> },
  ) => {
    const seen: IncomingMessage[] = [];
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req);
      const { delayMs = 0, status = 200, headers = {} } = answer(seen.length, req);
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => bodies.push(body));
      setTimeout(() => {
        res.writeHead(status, headers);
        res.end(status === 200 ? 'ack' : 'no');
      }, delayMs);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, seen, bodies };
  };

  it('chat.postMessage: one per interval per channel, an optional burst, a workspace cap; Retry-After in whole units', async () => {
    const fake = await open({
      channelIntervalMs: 300,
      channelBurst: 3,
      workspaceMessages: 4,
      workspaceWindowMs: 1_000,
      retryAfterUnitMs: 100,
    });
    const postTo = (channel: string) => api(fake, 'chat.postMessage', { channel, text: 'x' });
    for (let i = 0; i < 3; i++) expect((await postTo('CB')).body.ok).toBe(true);
    const limited = await postTo('CB');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ ok: false, error: 'ratelimited' });
    expect(limited.headers.get('retry-after')).toMatch(/^[1-3]$/);
    expect((await postTo('CC')).body.ok).toBe(true);
    const busy = await postTo('CD');
    expect(busy.status).toBe(429);
    expect(fake.limitRejections.map((r) => r.reason)).toEqual(['channel', 'workspace']);
    expect(SLACK_RATE_LIMITS).toMatchObject({ channelIntervalMs: 1_000, channelBurst: 1, historyPerMinute: 50 });
  });

  it('times the app’s acknowledgement: a late one is recorded, its body ignored', async () => {
    const fake = await open({ ackTimeoutMs: 150 });
    const endpoint = await app((n) => ({ delayMs: n === 1 ? 0 : 250 }));
    const fast = await fake.slashCommand(endpoint.url, 'secret', { text: 'help' });
    expect(fast).toMatchObject({ status: 200, late: false, ackBody: 'ack', userSees: 'ack' });
    // A 200 after the deadline is refused as Slack refuses it: its body is dropped, the user saw Slack's timeout.
    const slow = await fake.slashCommand(endpoint.url, 'secret', { text: 'help' });
    expect(slow).toMatchObject({ status: 200, late: true, ackBody: '', lateBody: 'ack', userSees: 'timeout' });
    expect(slow.elapsedMs).toBeGreaterThan(150);
    const pressed = await fake.pressButton(endpoint.url, 'secret', { action_id: 'a' });
    expect(pressed).toMatchObject({ late: true, userSees: 'timeout' });
    expect(fake.acks.map((a) => [a.kind, a.late])).toEqual([
      ['slash_command', false],
      ['slash_command', true],
      ['block_actions', true],
    ]);
    // A non-2xx in time (Bolt's 404 for an unacknowledged request) is a failed command, not an answer.
    const refusing = await app(() => ({ status: 404 }));
    expect(await fake.slashCommand(refusing.url, 'secret', { text: 'help' })).toMatchObject({
      status: 404,
      late: false,
      userSees: 'error',
    });
    // The requests were signed as Slack signs them.
    const req = endpoint.seen[0]!;
    expect(req.headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it('Events API: retries on request after an error or a timeout, with X-Slack-Retry-Num and -Reason', async () => {
    const fake = await open({ ackTimeoutMs: 150 });
    const failing = await app((n) => ({ status: n === 1 ? 500 : 200 }));
    const once = await fake.deliverEvent(failing.url, 'secret', { type: 'app_home_opened' }, { team: 'TP' });
    expect(once.attempts.map((a) => a.answer.status)).toEqual([500]);
    const failingOnce = await app((n) => ({ status: n === 1 ? 500 : 200 }));
    const retried = await fake.deliverEvent(
      failingOnce.url,
      'secret',
      { type: 'app_home_opened' },
      { team: 'TP' },
      { retries: true, retryDelaysMs: [0, 20, 20] },
    );
    expect(retried.attempts.map((a) => [a.retryNum, a.retryReason, a.answer.status])).toEqual([
      [0, undefined, 500],
      [1, 'http_error', 200],
    ]);
    // Every attempt carries the same event_id, as Slack's retries do.
    const ids = failingOnce.bodies.map((b) => (JSON.parse(b) as { event_id: string }).event_id);
    expect(ids).toEqual([retried.eventId, retried.eventId]);

    const slow = await app((n) => ({ delayMs: n === 1 ? 400 : 0 }));
    const timedOut = await fake.deliverEvent(
      slow.url,
      'secret',
      { type: 'x' },
      { team: 'TP' },
      { retries: true, retryDelaysMs: [0, 20, 20] },
    );
    expect(timedOut.attempts.map((a) => [a.retryNum, a.retryReason, a.answer.late])).toEqual([
      [0, undefined, true],
      [1, 'http_timeout', false],
    ]);
    // The retry went out while the first request was still being processed, with the same event_id.
    expect(slow.seen[1]!.headers).toMatchObject({ 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });

    const refusing = await app(() => ({ status: 500 }));
    const all = await fake.deliverEvent(
      refusing.url,
      'secret',
      { type: 'x' },
      { team: 'TP' },
      { retries: true, retryDelaysMs: [0, 10, 10] },
    );
    expect(all.attempts.map((a) => a.retryNum)).toEqual([0, 1, 2, 3]);
    expect(all.attempts.at(-1)!.retryReason).toBe('http_error');
    const noRetry = await app(() => ({ status: 500, headers: { 'x-slack-no-retry': '1' } }));
    const stopped = await fake.deliverEvent(
      noRetry.url,
      'secret',
      { type: 'x' },
      { team: 'TP' },
      { retries: true, retryDelaysMs: [0] },
    );
    expect(stopped.attempts).toHaveLength(1);
    expect(await fake.sendEvent(failing.url, 'secret', { type: 'x' }, { team: 'TP' })).toBe(200);
  });

  it('response_url: 5 uses, then refused; expired after its lifetime', async () => {
    const fake = await open({ responseUrlTtlMs: 200 });
    const url = fake.responseUrl('r-a');
    const use = (u: string) =>
      fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"x"}' });
    for (let i = 0; i < SLACK_RESPONSE_URL.maxUses; i++) expect((await use(url)).status).toBe(200);
    const sixth = await use(url);
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toEqual({ ok: false, error: 'used_url' });
    expect(fake.responsesTo('r-a')).toHaveLength(5);
    const later = fake.responseUrl('r-b');
    await new Promise((r) => setTimeout(r, 250));
    expect(await (await use(later)).json()).toEqual({ ok: false, error: 'expired_url' });
    expect(fake.responseRefusals.map((r) => r.error)).toEqual(['used_url', 'expired_url']);
  });

  it('message metadata: stored; an invalid event_type is dropped with a warning (or refused); bad JSON is refused', async () => {
    const fake = await open();
    const metadata = { event_type: 'paperpulse_digest-part', event_payload: { delivery: 'd1', part: 2 } };
    const posted = await api(fake, 'chat.postMessage', { channel: 'CM', text: 'x', metadata });
    expect(posted.body).toMatchObject({ ok: true, message: { metadata } });
    expect(fake.postsTo('CM')[0]!.metadata).toEqual(metadata);
    const viaJson = await api(fake, 'chat.postMessage', { channel: 'CM2', text: 'x', metadata }, 'xoxb-plain', 'json');
    expect(viaJson.body.ok).toBe(true);

    const dotted = await api(fake, 'chat.postMessage', {
      channel: 'CM3',
      text: 'x',
      metadata: { event_type: 'a.b', event_payload: {} },
    });
    expect(dotted.body).toMatchObject({ ok: true, warning: 'invalid_metadata_schema' });
    expect(fake.postsTo('CM3')[0]!.metadata).toBeUndefined();
    expect(fake.metadataWarnings).toHaveLength(1);
    const noPayload = await api(fake, 'chat.postMessage', { channel: 'CM4', text: 'x', metadata: { event_type: 'a' } });
    expect(noPayload.body.warning).toBe('invalid_metadata_schema');
    expect((await api(fake, 'chat.postMessage', { channel: 'CM5', text: 'x', metadata: '{not json' })).body.error).toBe(
      'invalid_metadata_format',
    );

    const strict = await open({ invalidMetadata: 'error', maxMetadataBytes: 60 });
    expect(
      (
        await api(strict, 'chat.postMessage', {
          channel: 'C',
          text: 'x',
          metadata: { event_type: 'a b', event_payload: {} },
        })
      ).body,
    ).toEqual({
      ok: false,
      error: 'invalid_metadata_schema',
    });
    const big = { event_type: 'a', event_payload: { x: 'y'.repeat(60) } };
    expect((await api(strict, 'chat.postMessage', { channel: 'C', text: 'x', metadata: big })).body.error).toBe(
      'metadata_too_large',
    );
    expect(strict.postsTo('C')).toHaveLength(0);
  });

  it('conversations.history: needs the history scope (missing_scope with needed/provided)', async () => {
    const fake = await open();
    const res = await api(fake, 'conversations.history', { channel: 'CH' });
    expect(res.body).toEqual({
      ok: false,
      error: 'missing_scope',
      needed: 'channels:history',
      provided: SLACK_SCOPES.defaults.join(','),
    });
    fake.setScopes('TP', [...SLACK_SCOPES.defaults, 'channels:history']);
    expect((await api(fake, 'conversations.history', { channel: 'CH' })).body).toMatchObject({
      ok: true,
      messages: [],
    });
    expect((await api(fake, 'conversations.history', { channel: 'GPRIV' })).body).toMatchObject({
      needed: 'groups:history',
    });
    fake.setChannelType('CPRIV', 'private');
    expect((await api(fake, 'conversations.history', { channel: 'CPRIV' })).body.needed).toBe('groups:history');
    fake.setBotMember('TP', 'CH', false);
    expect((await api(fake, 'conversations.history', { channel: 'CH' })).body.error).toBe('not_in_channel');
  });

  it('conversations.history: newest first, oldest/latest/inclusive, limit and cursor, metadata only when asked', async () => {
    const fake = await open({ channelIntervalMs: 1, workspaceMessages: 1_000 }, [
      ...SLACK_SCOPES.defaults,
      'channels:history',
    ]);
    const ts: string[] = [];
    for (let i = 0; i < 7; i++) {
      await new Promise((r) => setTimeout(r, 2));
      const metadata = { event_type: 'part', event_payload: { i } };
      ts.push((await api(fake, 'chat.postMessage', { channel: 'CH', text: `m${i}`, metadata })).body.ts);
    }
    await api(fake, 'chat.postMessage', { channel: 'CH', text: 'reply', thread_ts: ts[0] });
    const history = (params: Record<string, unknown>) =>
      api(fake, 'conversations.history', { channel: 'CH', ...params });
    const all = (await history({})).body;
    expect(all.messages.map((m: { text: string }) => m.text)).toEqual(['m6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0']);
    expect(all.messages[0]).not.toHaveProperty('metadata');
    expect(all).toMatchObject({ has_more: false, response_metadata: { next_cursor: '' } });
    const withMeta = (await history({ include_all_metadata: true, limit: 1 })).body;
    expect(withMeta.messages[0].metadata).toEqual({ event_type: 'part', event_payload: { i: 6 } });
    const range = (await history({ oldest: ts[2], latest: ts[5] })).body.messages.map((m: { text: string }) => m.text);
    expect(range).toEqual(['m4', 'm3']);
    const inclusive = (await history({ oldest: ts[2], latest: ts[5], inclusive: true })).body.messages;
    expect(inclusive.map((m: { text: string }) => m.text)).toEqual(['m5', 'm4', 'm3', 'm2']);
    const first = (await history({ limit: 3 })).body;
    expect(first.has_more).toBe(true);
    const second = (await history({ limit: 3, cursor: first.response_metadata.next_cursor })).body;
    expect(second.messages.map((m: { text: string }) => m.text)).toEqual(['m3', 'm2', 'm1']);
    expect((await history({ cursor: 'bogus' })).body.error).toBe('invalid_cursor');
    expect((await history({ oldest: 'yesterday' })).body.error).toBe('invalid_ts_oldest');
  });

  it('conversations.history: Tier 3 per workspace (an option), 429 with Retry-After', async () => {
    const fake = await open({ historyPerMinute: 2, tierWindowMs: 500, retryAfterUnitMs: 100 }, ['channels:history']);
    expect((await api(fake, 'conversations.history', { channel: 'C1' })).status).toBe(200);
    expect((await api(fake, 'conversations.history', { channel: 'C2' })).status).toBe(200);
    const limited = await api(fake, 'conversations.history', { channel: 'C3' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(5);
  });

  it('files: getUploadURLExternal → upload → completeUploadExternal, with files:write', async () => {
    const fake = await open();
    expect((await api(fake, 'files.getUploadURLExternal', { filename: 'a.csv', length: 3 })).body).toMatchObject({
      error: 'missing_scope',
      needed: 'files:write',
    });
    fake.setScopes('TP', [...SLACK_SCOPES.defaults, 'files:write']);
    expect((await api(fake, 'files.getUploadURLExternal', { filename: 'a.csv' })).body.ok).toBe(false);
    expect(
      (await api(fake, 'files.getUploadURLExternal', { filename: 'a.csv', length: 3 }, 'xoxb-plain', 'json')).body
        .error,
    ).toBe('invalid_arguments');
    expect(
      (await api(fake, 'files.getUploadURLExternal', { filename: 'a', length: 3, alt_txt: 'a'.repeat(1001) })).body
        .error,
    ).toBe('alt_txt_too_large');
    const ticket = (await api(fake, 'files.getUploadURLExternal', { filename: 'a.csv', length: 3 })).body;
    expect(ticket).toMatchObject({
      ok: true,
      upload_url: expect.stringContaining('/upload/v1/'),
      file_id: expect.stringMatching(/^F/),
    });
    expect((await api(fake, 'files.completeUploadExternal', { files: [{ id: ticket.file_id }] })).body.error).toBe(
      'file_not_found',
    );
    const uploaded = await fetch(ticket.upload_url, { method: 'POST', body: Buffer.from('a,b') });
    expect(uploaded.status).toBe(200);
    const done = await api(fake, 'files.completeUploadExternal', {
      files: [{ id: ticket.file_id, title: 'Papers' }],
      channel_id: 'CF',
      initial_comment: 'the list',
    });
    expect(done.body).toEqual({ ok: true, files: [{ id: ticket.file_id, title: 'Papers' }] });
    expect(fake.files.get(ticket.file_id)).toMatchObject({ filename: 'a.csv', length: 3, data: Buffer.from('a,b') });
    expect(fake.postsTo('CF')[0]).toMatchObject({ text: 'the list', files: [{ id: ticket.file_id, title: 'Papers' }] });
    expect((await api(fake, 'files.completeUploadExternal', { files: [{ id: ticket.file_id }] })).body.error).toBe(
      'file_not_found',
    );
  });

  it('files: the real WebClient.filesUploadV2 works against the fake', async () => {
    const fake = await open({}, [...SLACK_SCOPES.defaults, 'files:write']);
    const web = new WebClient('xoxb-plain', {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 0 },
      logger: boltLogger(silentLog),
    });
    const res = await web.filesUploadV2({ channel_id: 'CV', filename: 'list.txt', content: 'hello', title: 'List' });
    expect(res.ok).toBe(true);
    const [file] = [...fake.files.values()];
    expect(file).toMatchObject({ filename: 'list.txt', data: Buffer.from('hello'), completed: { channel: 'CV' } });
  });

  it('Socket Mode over ws: hello, envelopes, acknowledgements', async () => {
    const fake = await open({ appTokens: ['xapp-1'] });
    const { url } = (await api(fake, 'apps.connections.open', {}, 'xapp-1')).body;
    const socket = new WebSocket(url);
    const hello = await new Promise<Record<string, unknown>>((resolve) =>
      socket.once('message', (d) => resolve(JSON.parse(String(d)))),
    );
    expect(hello.type).toBe('hello');
    expect(fake.socketConnections).toBe(1);
    socket.on('message', (d) => {
      const envelope = JSON.parse(String(d)) as { envelope_id?: string };
      if (envelope.envelope_id) socket.send(JSON.stringify({ envelope_id: envelope.envelope_id }));
    });
    const responseId = await fake.socketCommand({ text: 'help' });
    expect(responseId).toMatch(/^r-/);
    expect(fake.socketAcks.at(-1)).toMatchObject({
      envelopeId: expect.stringMatching(/^env-/),
      elapsedMs: expect.any(Number),
    });
    socket.close();
    await fake.waitFor(() => fake.socketConnections === 0, 2_000);
  });

  it('seeded faults on chat.postMessage: 5xx, 429, a hung connection, an answer lost after the post', async () => {
    const fake = await open({ channelIntervalMs: 1, workspaceMessages: 1_000 });
    const postTo = (channel: string, signal?: AbortSignal) =>
      fetch(`${fake.apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { authorization: 'Bearer xoxb-plain', 'content-type': 'application/json' },
        body: JSON.stringify({ channel, text: 'x' }),
        ...(signal ? { signal } : {}),
      }).then(
        (r) => r.status,
        (e: Error) => (e.name === 'TimeoutError' ? 'timeout' : 'reset'),
      );
    fake.injectFaults({ seed: 3, serverError: 1 });
    expect([500, 502, 503]).toContain(await postTo('C1'));
    fake.injectFaults({ seed: 3, rateLimited: 1 });
    expect(await postTo('C1')).toBe(429);
    fake.injectFaults({ seed: 3, hang: 1 });
    expect(await postTo('C1', AbortSignal.timeout(200))).toBe('timeout');
    fake.injectFaults({ seed: 3, lostAnswer: 1 });
    expect(await postTo('C2')).toBe('reset');
    expect(fake.postsTo('C2')).toHaveLength(1);
    expect(fake.lostAnswers).toEqual(fake.postsTo('C2'));
    expect(fake.postsTo('C1')).toHaveLength(0);
    expect(fake.faultCounters).toMatchObject({ considered: 4, serverError: 1, rateLimited: 1, hang: 1, lostAnswer: 1 });
    fake.injectFaults({ seed: 9, serverError: 0.3, lostAnswer: 0.3 });
    const a: (number | string)[] = [];
    for (let i = 0; i < 20; i++) a.push(await postTo(`CX${i}`));
    fake.injectFaults({ seed: 9, serverError: 0.3, lostAnswer: 0.3 });
    const b: (number | string)[] = [];
    for (let i = 0; i < 20; i++) b.push(await postTo(`CY${i}`));
    expect(b).toEqual(a);
  });
});
