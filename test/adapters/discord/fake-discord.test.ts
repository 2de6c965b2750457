/**
 * Keeps the fake Discord API honest: the adapter tests are only as good as its checks, so each one is shown to
 * refuse what Discord refuses, in Discord's shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DISCORD_COMMAND,
  DISCORD_COMPONENT,
  DISCORD_EMBED,
  DISCORD_ERRORS,
  DISCORD_FILES,
  DISCORD_HISTORY,
  DISCORD_MESSAGE,
  DISCORD_NONCE,
  DISCORD_RATE_LIMITS,
  FakeDiscord,
  validateCommands,
  validateMessage,
} from '../../support/fake-discord.js';

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

describe('FakeDiscord: its own numbers', () => {
  it('imports nothing from adapters/ or src/ (the fakes measure the adapters, they do not borrow from them)', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const support = new URL('../../support/', import.meta.url);
    const files = [
      ...(await readdir(new URL('fake-discord/', support))).map((f) => new URL(`fake-discord/${f}`, support)),
      ...(await readdir(new URL('fake-slack/', support))).map((f) => new URL(`fake-slack/${f}`, support)),
      ...['fake-discord.ts', 'fake-slack.ts', 'fault-injection.ts', 'fake-http.ts', 'prng.ts'].map(
        (f) => new URL(f, support),
      ),
    ];
    for (const file of files) {
      const source = await readFile(file, 'utf8');
      expect(source, file.pathname).not.toMatch(/from '(\.\.\/)+(adapters|src)\//);
    }
  });

  // Each documented limit: the largest value is accepted, one more is refused (docs: see documented.ts).
  const ok = (body: unknown) => expect(validateMessage(body)).toBeUndefined();
  const refused = (body: unknown) => expect(validateMessage(body)?.code).toBe(50035);
  const button = (i: number, extra: object = {}) => ({ type: 2, style: 1, custom_id: `b${i}`, label: 'x', ...extra });
  const row = (n: number) => ({ type: 1, components: Array.from({ length: n }, (_, i) => button(i)) });
  it.each([
    ['content', DISCORD_MESSAGE.content, (n: number) => ({ content: 'x'.repeat(n) })],
    ['embeds', DISCORD_MESSAGE.embeds, (n: number) => ({ embeds: Array(n).fill({ title: 't' }) })],
    ['nonce', DISCORD_MESSAGE.nonce, (n: number) => ({ content: 'x', nonce: 'n'.repeat(n) })],
    ['embed title', DISCORD_EMBED.title, (n: number) => ({ embeds: [{ title: 't'.repeat(n) }] })],
    ['embed description', DISCORD_EMBED.description, (n: number) => ({ embeds: [{ description: 'd'.repeat(n) }] })],
    [
      'embed fields',
      DISCORD_EMBED.fields,
      (n: number) => ({ embeds: [{ fields: Array(n).fill({ name: 'n', value: 'v' }) }] }),
    ],
    [
      'field name',
      DISCORD_EMBED.fieldName,
      (n: number) => ({ embeds: [{ fields: [{ name: 'n'.repeat(n), value: 'v' }] }] }),
    ],
    [
      'field value',
      DISCORD_EMBED.fieldValue,
      (n: number) => ({ embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(n) }] }] }),
    ],
    ['footer text', DISCORD_EMBED.footerText, (n: number) => ({ embeds: [{ footer: { text: 'f'.repeat(n) } }] })],
    ['author name', DISCORD_EMBED.authorName, (n: number) => ({ embeds: [{ author: { name: 'a'.repeat(n) } }] })],
    [
      'embed total',
      DISCORD_MESSAGE.embedTotal,
      (n: number) => ({ embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(n - 4000) }] }),
    ],
    [
      'action rows',
      DISCORD_MESSAGE.actionRows,
      (n: number) => ({
        content: 'x',
        components: Array.from({ length: n }, (_, r) => ({ type: 1, components: [button(r)] })),
      }),
    ],
    ['buttons per row', DISCORD_MESSAGE.buttonsPerRow, (n: number) => ({ content: 'x', components: [row(n)] })],
    [
      'button custom_id',
      DISCORD_COMPONENT.customId,
      (n: number) => ({
        content: 'x',
        components: [{ type: 1, components: [button(0, { custom_id: 'c'.repeat(n) })] }],
      }),
    ],
    [
      'button label',
      DISCORD_COMPONENT.buttonLabel,
      (n: number) => ({ content: 'x', components: [{ type: 1, components: [button(0, { label: 'l'.repeat(n) })] }] }),
    ],
  ])('message: %s at most %i', (_, max, body) => {
    ok(body(max));
    refused(body(max + 1));
  });

  it('counts embed text trimmed, and refuses an empty message unless files come with it', () => {
    ok({ content: `  ${'x'.repeat(DISCORD_MESSAGE.content)}  ` });
    expect(validateMessage({ content: ' ' })?.code).toBe(DISCORD_ERRORS.emptyMessage);
    expect(validateMessage({ content: '' }, undefined, { files: 1 })).toBeUndefined();
  });

  const command = (over: Record<string, unknown> = {}) => ({ name: 'papers', description: 'd', type: 1, ...over });
  const option = (over: Record<string, unknown> = {}) => ({ name: 'o', description: 'd', type: 3, ...over });
  it.each([
    ['name', DISCORD_COMMAND.name, (n: number) => [command({ name: 'p'.repeat(n) })]],
    ['description', DISCORD_COMMAND.description, (n: number) => [command({ description: 'd'.repeat(n) })]],
    [
      'options',
      DISCORD_COMMAND.options,
      (n: number) => [command({ options: Array.from({ length: n }, (_, i) => option({ name: `o${i}` })) })],
    ],
    [
      'choices',
      DISCORD_COMMAND.choices,
      (n: number) => [
        command({
          options: [option({ choices: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, value: `c${i}` })) })],
        }),
      ],
    ],
    [
      'choice name',
      DISCORD_COMMAND.choiceName,
      (n: number) => [command({ options: [option({ choices: [{ name: 'c'.repeat(n), value: 'v' }] })] })],
    ],
    [
      'choice value',
      DISCORD_COMMAND.choiceValue,
      (n: number) => [command({ options: [option({ choices: [{ name: 'c', value: 'v'.repeat(n) }] })] })],
    ],
    ['max_length', DISCORD_COMMAND.stringLength, (n: number) => [command({ options: [option({ max_length: n })] })]],
    [
      'commands',
      DISCORD_COMMAND.commands,
      (n: number) => Array.from({ length: n }, (_, i) => command({ name: `c${i}` })),
    ],
  ])('commands: %s at most %i', (_, max, body) => {
    expect(validateCommands(body(max))).toBeUndefined();
    expect(validateCommands(body(max + 1))).toBeDefined();
  });

  it(`commands: at most ${DISCORD_COMMAND.totalText} characters of names, descriptions and values in all`, () => {
    const sub = (name: string, description: number, options = 0) => ({
      name,
      description: 'd'.repeat(description),
      type: 1,
      options: Array.from({ length: options }, (_, i) =>
        option({ name: `o${String(i).padStart(2, '0')}`, description: 'd'.repeat(97) }),
      ),
    });
    // Root 6 + 100, three subcommands of 1 + 100 + 25 × 100: 7909; a fourth of 1 + 90 makes 8000.
    const total = (last: number) => [
      command({
        description: 'd'.repeat(100),
        options: [sub('a', 100, 25), sub('b', 100, 25), sub('c', 100, 25), sub('e', last)],
      }),
    ];
    expect(validateCommands(total(90))).toBeUndefined();
    expect(JSON.stringify(validateCommands(total(91)))).toContain('APPLICATION_COMMAND_TOO_LARGE');
  });
});

describe('FakeDiscord: behaviours', () => {
  const fakes: FakeDiscord[] = [];
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
  });
  const open = async (options: ConstructorParameters<typeof FakeDiscord>[0] = {}) => {
    const fake = await new FakeDiscord({
      globalPerSecond: 10_000,
      perChannel: { limit: 1_000, windowMs: 1_000 },
      ...options,
    }).start();
    fakes.push(fake);
    return fake;
  };
  let channel = 3_300_000_000_000_000_000n;
  const nextChannel = () => String(++channel);
  const call = async (
    fake: FakeDiscord,
    method: string,
    path: string,
    body?: unknown,
    init: { signal?: AbortSignal; form?: FormData } = {},
  ) => {
    const res = await fetch(`${fake.api}/v10${path}`, {
      method,
      headers: {
        authorization: `Bot ${fake.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : init.form ? { body: init.form } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  };
  const post = (fake: FakeDiscord, id: string, body: unknown) => call(fake, 'POST', `/channels/${id}/messages`, body);
  const form = (payload: unknown, files: { name: string; bytes: number; field?: string }[]) => {
    const data = new FormData();
    data.append('payload_json', JSON.stringify(payload));
    for (const [i, f] of files.entries())
      data.append(f.field ?? `files[${i}]`, new Blob([Buffer.alloc(f.bytes, 7)]), f.name);
    return data;
  };

  it('429: Retry-After in whole seconds, retry_after a float (the docs: "Retry-After: 65", "retry_after": 64.57)', async () => {
    const fake = await open({ perChannel: { limit: 1, windowMs: 2_500 } });
    const id = nextChannel();
    expect((await post(fake, id, { content: 'a' })).status).toBe(200);
    const limited = await post(fake, id, { content: 'b' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(Number(limited.headers.get('retry-after'))).toBe(Math.ceil(limited.body.retry_after));
    expect(limited.body.retry_after).toBeGreaterThan(2);
    expect(limited.body.retry_after).toBeLessThanOrEqual(2.5);
    expect(limited.headers.get('x-ratelimit-scope')).toBe('user');

    fake.script('POST', /messages$/, { status: 429, retryAfter: 0.3 });
    const scripted = await post(fake, nextChannel(), { content: 'c' });
    expect(scripted.headers.get('retry-after')).toBe('1');
    expect(scripted.body.retry_after).toBe(0.3);
  });

  it('a scaled fake rounds Retry-After to whole seconds of its own (scaled) clock', async () => {
    const fake = await open({ timeScale: 0.1 });
    fake.script('POST', /messages$/, { status: 429, retryAfter: 2.4 });
    const scripted = await post(fake, nextChannel(), { content: 'c' });
    expect(scripted.headers.get('retry-after')).toBe('0.3');
    expect(scripted.body.retry_after).toBeCloseTo(0.24, 5);
  });

  it('enforce_nonce: the same author and nonce within the window returns the message; after it, a new one', async () => {
    const fake = await open({ nonceWindowMs: 300 });
    const [a, b] = [nextChannel(), nextChannel()];
    const first = await post(fake, a, { content: 'x', nonce: 'n1', enforce_nonce: true });
    expect(first.body.nonce).toBe('n1');
    expect((await post(fake, a, { content: 'x', nonce: 'n1', enforce_nonce: true })).body.id).toBe(first.body.id);
    // The docs key the check on author and nonce only: the same nonce in another channel returns the first message.
    const elsewhere = await post(fake, b, { content: 'x', nonce: 'n1', enforce_nonce: true });
    expect(elsewhere.body).toMatchObject({ id: first.body.id, channel_id: a });
    expect(fake.messagesIn(b)).toHaveLength(0);
    // Without enforce_nonce, a repeated nonce is a new message.
    expect((await post(fake, a, { content: 'x', nonce: 'n1' })).body.id).not.toBe(first.body.id);
    await new Promise((r) => setTimeout(r, 350));
    expect((await post(fake, a, { content: 'x', nonce: 'n1', enforce_nonce: true })).body.id).not.toBe(first.body.id);
    expect(fake.stats.nonceReplays).toBe(2);
    expect(DISCORD_NONCE.windowMs).toBe(5 * 60_000);
  });

  it('Get Channel Messages: newest first, 50 by default, limit 1–100, before/after/around, no nonce', async () => {
    const fake = await open();
    const id = nextChannel();
    const ids: string[] = [];
    for (let i = 0; i < 120; i++)
      ids.push((await post(fake, id, { content: `m${i}`, nonce: `n${i}`, embeds: [{ title: `t${i}` }] })).body.id);
    const page = await call(fake, 'GET', `/channels/${id}/messages`);
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(DISCORD_HISTORY.defaultLimit);
    expect(page.body.map((m: { id: string }) => m.id)).toEqual(ids.slice(-50).reverse());
    const newest = page.body[0];
    expect(newest).toMatchObject({
      id: ids[119],
      channel_id: id,
      content: 'm119',
      author: { id: fake.botUserId, bot: true },
    });
    expect(newest.embeds).toEqual([{ type: 'rich', title: 't119' }]);
    expect(Date.parse(newest.timestamp)).toBeGreaterThan(Date.now() - 60_000);
    expect(newest).not.toHaveProperty('nonce');
    expect((await call(fake, 'GET', `/channels/${id}/messages?limit=100`)).body).toHaveLength(100);
    for (const limit of [0, 101, 'x']) {
      const bad = await call(fake, 'GET', `/channels/${id}/messages?limit=${limit}`);
      expect(bad).toMatchObject({ status: 400, body: { code: DISCORD_ERRORS.invalidFormBody } });
    }
    const after = await call(fake, 'GET', `/channels/${id}/messages?after=${ids[9]}&limit=3`);
    expect(after.body.map((m: { id: string }) => m.id)).toEqual([ids[12], ids[11], ids[10]]);
    const before = await call(fake, 'GET', `/channels/${id}/messages?before=${ids[9]}&limit=3`);
    expect(before.body.map((m: { id: string }) => m.id)).toEqual([ids[8], ids[7], ids[6]]);
    const around = await call(fake, 'GET', `/channels/${id}/messages?around=${ids[50]}&limit=3`);
    expect(around.body.map((m: { id: string }) => m.id)).toEqual([ids[51], ids[50], ids[49]]);
    expect((await call(fake, 'GET', `/channels/${id}/messages?after=${ids[1]}&before=${ids[5]}`)).status).toBe(400);
  });

  it('Get Channel Messages needs VIEW_CHANNEL (403 50001); without READ_MESSAGE_HISTORY it returns no messages', async () => {
    const fake = await open();
    const id = nextChannel();
    await post(fake, id, { content: 'kept' });
    fake.setBotPermissions(id, { readMessageHistory: false });
    expect(await call(fake, 'GET', `/channels/${id}/messages`)).toMatchObject({ status: 200, body: [] });
    fake.setBotPermissions(id, { viewChannel: false });
    expect(await call(fake, 'GET', `/channels/${id}/messages`)).toMatchObject({
      status: 403,
      body: { code: DISCORD_ERRORS.missingAccess },
    });
    expect(await post(fake, id, { content: 'x' })).toMatchObject({
      status: 403,
      body: { code: DISCORD_ERRORS.missingAccess },
    });
    fake.setBotPermissions(id, { sendMessages: false });
    expect(await post(fake, id, { content: 'x' })).toMatchObject({
      status: 403,
      body: { code: DISCORD_ERRORS.missingPermissions },
    });
    fake.setBotPermissions(id, undefined);
    expect((await call(fake, 'GET', `/channels/${id}/messages`)).body).toHaveLength(1);
    fake.gone.add(id);
    expect((await call(fake, 'GET', `/channels/${id}/messages`)).status).toBe(404);
    expect(fake.stats.invalidRequests).toBe(3);
  });

  it('Create Message with files: payload_json + files[n], recorded and served back; 10 files at most', async () => {
    const fake = await open();
    const id = nextChannel();
    const res = await call(fake, 'POST', `/channels/${id}/messages`, undefined, {
      form: form(
        {
          content: 'with a file',
          embeds: [{ title: 'x', image: { url: 'attachment://paper.png' } }],
          attachments: [{ id: 0, description: 'alt' }],
        },
        [{ name: 'paper.png', bytes: 1234 }],
      ),
    });
    expect(res.status).toBe(200);
    expect(res.body.attachments).toEqual([
      expect.objectContaining({ filename: 'paper.png', size: 1234, description: 'alt', url: expect.any(String) }),
    ]);
    expect(fake.messagesIn(id)[0]!.attachments![0]!.data).toEqual(Buffer.alloc(1234, 7));
    const served = await fetch(res.body.attachments[0].url);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(Buffer.alloc(1234, 7));

    const filesOnly = await call(fake, 'POST', `/channels/${id}/messages`, undefined, {
      form: form({}, [{ name: 'a.txt', bytes: 1 }]),
    });
    expect(filesOnly.status).toBe(200);
    const ten = Array.from({ length: DISCORD_FILES.files }, (_, i) => ({ name: `f${i}.txt`, bytes: 1 }));
    expect(
      (await call(fake, 'POST', `/channels/${id}/messages`, undefined, { form: form({ content: 'x' }, ten) })).status,
    ).toBe(200);
    const eleven = await call(fake, 'POST', `/channels/${id}/messages`, undefined, {
      form: form({ content: 'x' }, [...ten, { name: 'f10.txt', bytes: 1 }]),
    });
    expect(eleven).toMatchObject({ status: 400, body: { code: DISCORD_ERRORS.maxAttachments } });
    const unknown = await call(fake, 'POST', `/channels/${id}/messages`, undefined, {
      form: form({ content: 'x', attachments: [{ id: 3 }] }, [{ name: 'a.txt', bytes: 1 }]),
    });
    expect(unknown).toMatchObject({ status: 400, body: { code: DISCORD_ERRORS.invalidFormBody } });
    fake.setBotPermissions(id, { attachFiles: false });
    expect(
      (
        await call(fake, 'POST', `/channels/${id}/messages`, undefined, {
          form: form({ content: 'x' }, [{ name: 'a', bytes: 1 }]),
        })
      ).body.code,
    ).toBe(DISCORD_ERRORS.missingPermissions);
  });

  it('file sizes: one file over the per-file limit (50045), a request over the request limit (40005), both 413', async () => {
    expect(DISCORD_FILES).toMatchObject({ fileBytes: 10 * 1024 * 1024, requestBytes: 25 * 1024 * 1024, files: 10 });
    const fake = await open({ files: { fileBytes: 1_000, requestBytes: 5_000 } });
    const id = nextChannel();
    const send = (files: { name: string; bytes: number }[]) =>
      call(fake, 'POST', `/channels/${id}/messages`, undefined, { form: form({ content: 'x' }, files) });
    expect((await send([{ name: 'a', bytes: 1_000 }])).status).toBe(200);
    expect(await send([{ name: 'a', bytes: 1_001 }])).toMatchObject({
      status: 413,
      body: { code: DISCORD_ERRORS.fileTooLarge },
    });
    expect(await send(Array(6).fill({ name: 'a', bytes: 900 }))).toMatchObject({
      status: 413,
      body: { code: DISCORD_ERRORS.requestTooLarge },
    });
  });

  it('interaction follow-ups carry files (webhook routes)', async () => {
    const fake = await open();
    fake.expectInteraction('77', 'tok77');
    await call(fake, 'POST', '/interactions/77/tok77/callback', { type: 5 });
    const res = await fetch(`${fake.api}/v10/webhooks/${fake.applicationId}/tok77`, {
      method: 'POST',
      body: form({ content: 'here' }, [{ name: 'list.csv', bytes: 10 }]),
    });
    expect(res.status).toBe(200);
    expect(fake.answers('77').at(-1)).toMatchObject({ kind: 'followup', files: [{ filename: 'list.csv', size: 10 }] });
  });

  it('counts 401, 403 and non-shared 429 as invalid requests (Discord bans at 10,000 per 10 minutes)', async () => {
    const fake = await open({ perChannel: { limit: 1, windowMs: 60_000 } });
    const id = nextChannel();
    await fetch(`${fake.api}/v10/users/@me`);
    await post(fake, id, { content: 'a' });
    await post(fake, id, { content: 'b' });
    fake.script('POST', /messages$/, { status: 429 });
    await post(fake, nextChannel(), { content: 'c' });
    expect(fake.stats.invalidRequests).toBe(2);
    expect(DISCORD_RATE_LIMITS.invalidRequests).toEqual({ limit: 10_000, windowMs: 600_000 });
  });
});

describe('FakeDiscord: seeded fault injection', () => {
  const fakes: FakeDiscord[] = [];
  afterAll(async () => {
    await Promise.all(fakes.map((f) => f.stop()));
  });
  const open = async () => {
    const fake = await new FakeDiscord({
      globalPerSecond: 10_000,
      perChannel: { limit: 1_000, windowMs: 1_000 },
    }).start();
    fakes.push(fake);
    return fake;
  };
  const send = (fake: FakeDiscord, channel: string, signal?: AbortSignal) =>
    fetch(`${fake.api}/v10/channels/${channel}/messages`, {
      method: 'POST',
      headers: { authorization: `Bot ${fake.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'x' }),
      ...(signal ? { signal } : {}),
    }).then(
      (r) => r.status,
      (e: Error) => (e.name === 'TimeoutError' ? 'timeout' : 'reset'),
    );

  it('each fault kind, and the counters', async () => {
    const fake = await open();
    fake.injectFaults({ seed: 1, serverError: 1 });
    expect([500, 502, 503]).toContain(await send(fake, '1'));
    fake.injectFaults({ seed: 1, rateLimited: 1 });
    expect(await send(fake, '1')).toBe(429);
    fake.injectFaults({ seed: 1, hang: 1 });
    expect(await send(fake, '1', AbortSignal.timeout(200))).toBe('timeout');
    fake.injectFaults({ seed: 1, lostAnswer: 1 });
    expect(await send(fake, '2')).toBe('reset');
    expect(fake.messagesIn('2')).toHaveLength(1);
    expect(fake.lostAnswers).toEqual(fake.messagesIn('2'));
    expect(fake.messagesIn('1')).toHaveLength(0);
    fake.injectFaults(undefined);
    expect(await send(fake, '1')).toBe(200);
    expect(fake.faultCounters).toMatchObject({ considered: 4, serverError: 1, rateLimited: 1, hang: 1, lostAnswer: 1 });
    // GETs are not Create Message: untouched unless `match` says so.
    fake.injectFaults({ seed: 1, serverError: 1 });
    expect((await fetch(`${fake.api}/v10/users/@me`, { headers: { authorization: `Bot ${fake.token}` } })).status).toBe(
      200,
    );
  });

  it('the same seed gives the same faults', async () => {
    const run = async () => {
      const fake = await open();
      fake.injectFaults({ seed: 42, serverError: 0.2, rateLimited: 0.2, lostAnswer: 0.2 });
      const outcomes: (number | string)[] = [];
      for (let i = 0; i < 30; i++) outcomes.push(await send(fake, String(i)));
      return { outcomes, counters: { ...fake.faultCounters } };
    };
    const [a, b] = [await run(), await run()];
    expect(a).toEqual(b);
    expect(a.counters.considered).toBe(30);
    expect(a.counters.passed).toBeGreaterThan(0);
    expect(a.counters.serverError + a.counters.rateLimited + a.counters.lostAnswer).toBeGreaterThan(0);
  });
});
