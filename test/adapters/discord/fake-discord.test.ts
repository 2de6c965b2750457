/**
 * Keeps the fake Discord API honest: the adapter tests are only as good as its checks, so each one is shown to
 * refuse what Discord refuses, in Discord's shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../support/fake-discord.js';

describe('FakeDiscord', () => {
  let fake: FakeDiscord;
  let channel = 3_200_000_000_000_000_000n;
  const nextChannel = () => String(++channel);

  beforeAll(async () => {
    fake = await new FakeDiscord({ globalPerSecond: 1_000, perChannel: { limit: 2, windowMs: 60_000 } }).start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  async function call(method: string, path: string, body?: unknown, auth: string | null = `Bot ${fake.token}`) {
    const res = await fetch(`${fake.api}/v10${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  const post = (channelId: string, body: unknown) => call('POST', `/channels/${channelId}/messages`, body);
  const maxLength = (n: number) => ({
    _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${n} or fewer in length.` }],
  });

  it('refuses bot routes without the right token (401)', async () => {
    expect(await call('GET', '/applications/@me', undefined, null)).toMatchObject({
      status: 401,
      body: { message: '401: Unauthorized', code: 0 },
    });
    expect((await call('GET', '/applications/@me', undefined, 'Bot wrong')).status).toBe(401);
    expect((await call('GET', '/applications/@me')).body).toMatchObject({ id: fake.applicationId });
  });

  it('answers a broken message with 400 and Discord’s Invalid Form Body shape', async () => {
    expect(await post(nextChannel(), { content: 'x'.repeat(2001) })).toMatchObject({
      status: 400,
      body: { code: 50035, message: 'Invalid Form Body', errors: { content: maxLength(2000) } },
    });
    const embeds = await post(nextChannel(), {
      embeds: [{ title: 't'.repeat(257), fields: [{ name: 'n', value: 'v'.repeat(1025) }] }],
    });
    expect(embeds.body).toEqual({
      code: 50035,
      message: 'Invalid Form Body',
      errors: { embeds: { 0: { title: maxLength(256), fields: { 0: { value: maxLength(1024) } } } } },
    });
    expect((await post(nextChannel(), { embeds: Array(11).fill({ title: 'x' }) })).body.errors).toEqual({
      embeds: maxLength(10),
    });
    const total = await post(nextChannel(), { embeds: Array(2).fill({ description: 'd'.repeat(3001) }) });
    expect(total.body.errors.embeds._errors[0].code).toBe('MAX_EMBED_SIZE_EXCEEDED');
    const button = await post(nextChannel(), {
      content: 'x',
      components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'c'.repeat(101), label: 'More' }] }],
    });
    expect(button.body.errors).toEqual({ components: { 0: { components: { 0: { custom_id: maxLength(100) } } } } });
    expect(await post(nextChannel(), { content: '  ' })).toMatchObject({
      status: 400,
      body: { code: 50006, message: 'Cannot send an empty message' },
    });
    expect((await post(nextChannel(), { content: 'x', nonce: 'n'.repeat(26) })).body.errors).toEqual({
      nonce: maxLength(25),
    });
    expect((await post(nextChannel(), { embeds: [{ title: 'x', url: 'javascript:alert(1)' }] })).status).toBe(400);
  });

  it('sends rate-limit headers and enforces the channel bucket with a 429', async () => {
    const id = nextChannel();
    const first = await post(id, { content: 'one' });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-limit')).toBe('2');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(Number(first.headers.get('x-ratelimit-reset-after'))).toBeGreaterThan(59);
    expect(Number(first.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    expect(first.headers.get('x-ratelimit-bucket')).toBe('fake-channel-messages');
    expect((await post(id, { content: 'two' })).headers.get('x-ratelimit-remaining')).toBe('0');
    const limited = await post(id, { content: 'three' });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ message: 'You are being rate limited.', global: false });
    expect(limited.body.retry_after).toBeGreaterThan(59);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(59);
    expect(fake.messagesIn(id).map((m) => m.body.content)).toEqual(['one', 'two']);
    // Another channel has its own bucket.
    expect((await post(nextChannel(), { content: 'elsewhere' })).status).toBe(200);
  });

  it('enforces the global requests-per-second limit on bot routes only', async () => {
    const strict = await new FakeDiscord({ globalPerSecond: 2 }).start();
    try {
      const get = () => fetch(`${strict.api}/v10/users/@me`, { headers: { authorization: `Bot ${strict.token}` } });
      expect((await get()).status).toBe(200);
      expect((await get()).status).toBe(200);
      const third = await get();
      expect(third.status).toBe(429);
      expect(third.headers.get('x-ratelimit-global')).toBe('true');
      expect(third.headers.get('x-ratelimit-scope')).toBe('global');
      expect(await third.json()).toMatchObject({ global: true });
      // The interaction callback is exempt (as on Discord).
      strict.expectInteraction('1', 'tok');
      const callback = await fetch(`${strict.api}/v10/interactions/1/tok/callback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 5, data: { flags: 64 } }),
      });
      expect(callback.status).toBe(204);
    } finally {
      await strict.stop();
    }
  });

  it('returns the earlier message for a repeated nonce with enforce_nonce', async () => {
    const id = nextChannel();
    const a = await post(id, { content: 'part', nonce: 'abc', enforce_nonce: true });
    const b = await post(id, { content: 'part', nonce: 'abc', enforce_nonce: true });
    expect(b.body.id).toBe(a.body.id);
    expect(fake.messagesIn(id)).toHaveLength(1);
  });

  it('gone and forbidden channels answer like Discord', async () => {
    const gone = nextChannel();
    const forbidden = nextChannel();
    fake.gone.add(gone);
    fake.forbidden.add(forbidden);
    expect(await post(gone, { content: 'x' })).toMatchObject({
      status: 404,
      body: { message: 'Unknown Channel', code: 10003 },
    });
    expect(await post(forbidden, { content: 'x' })).toMatchObject({
      status: 403,
      body: { message: 'Missing Access', code: 50001 },
    });
  });

  it('interactions: one callback, within 3 s; autocomplete within its limits; scripted failures', async () => {
    fake.expectInteraction('10', 'ten');
    const cb = (id: string, token: string, body: unknown) =>
      call('POST', `/interactions/${id}/${token}/callback`, body, null);
    const choices = Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` }));
    expect((await cb('10', 'ten', { type: 8, data: { choices } })).status).toBe(400);
    expect((await cb('10', 'ten', { type: 8, data: { choices: choices.slice(0, 25) } })).status).toBe(204);
    expect(await cb('10', 'ten', { type: 4, data: { content: 'again' } })).toMatchObject({
      status: 400,
      body: { code: 40060 },
    });
    fake.expectInteraction('11', 'eleven');
    fake.interactions.get('11')!.acknowledged = false;
    Object.assign(fake.interactions.get('11')!, { sentAt: Date.now() - 3_001 });
    expect(await cb('11', 'eleven', { type: 5 })).toMatchObject({ status: 404, body: { code: 10062 } });

    fake.script('POST', /\/messages$/, { status: 502 });
    expect((await post(nextChannel(), { content: 'x' })).status).toBe(502);
  });

  it('validates a command overwrite like Discord: required options first', async () => {
    const broken = [
      {
        name: 'papers',
        description: 'd',
        type: 1,
        options: [
          {
            name: 'x',
            description: 'x',
            type: 1,
            options: [
              { name: 'a', description: 'a', type: 3 },
              { name: 'b', description: 'b', type: 3, required: true },
            ],
          },
        ],
      },
    ];
    const res = await call('PUT', `/applications/${fake.applicationId}/commands`, broken);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].options[0].options[1].required._errors[0].code).toBe(
      'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
    );
  });
});
