import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotError } from '../../src/errors.js';
import { HfClient, rateLimitWaitMs } from '../../src/huggingface/client.js';
import { SourceUnreachable } from '../../src/ports/paper-source.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { dailyPapers20241025, paper250904664 } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';

let hf: FakeHuggingFace;
let sleeps: number[];
const client = (extra: Partial<ConstructorParameters<typeof HfClient>[0]> = {}) =>
  new HfClient({
    baseUrl: hf.url,
    log: captureLogs().log,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    ...extra,
  });

beforeEach(async () => {
  hf = await new FakeHuggingFace().start();
  sleeps = [];
});
afterEach(() => hf.stop());

describe('HfClient against a local Hugging Face', () => {
  it('fetches every page of a list (limit 100, 0-based p) until a short page', async () => {
    const items = Array.from({ length: 230 }, (_, i) => ({ ...dailyPapers20241025()[0], n: i }));
    hf.lists.set('2026-11-13', items);
    const records = await client().fetchList({ date: '2026-11-13' });
    expect(records).toHaveLength(230);
    expect(hf.requests).toEqual([
      '/api/daily_papers?date=2026-11-13&limit=100&p=0',
      '/api/daily_papers?date=2026-11-13&limit=100&p=1',
      '/api/daily_papers?date=2026-11-13&limit=100&p=2',
    ]);
  });

  it('asks for weeks and months with their own parameter', async () => {
    hf.lists.set('2024-10-25', dailyPapers20241025());
    expect(await client().fetchList({ week: '2024-W43' })).toHaveLength(3);
    expect(await client().fetchList({ month: '2024-10' })).toHaveLength(3);
    expect(hf.requests[0]).toBe('/api/daily_papers?week=2024-W43&limit=100&p=0');
  });

  it('treats a weekend [] as an empty list', async () => {
    expect(await client().fetchList({ date: '2026-11-14' })).toEqual([]);
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    hf.lists.set('2024-10-25', dailyPapers20241025());
    hf.script(/daily_papers/, { status: 429, headers: { 'retry-after': '7' }, body: { error: 'slow down' } });
    expect(await client().fetchList({ date: '2024-10-25' })).toHaveLength(3);
    expect(sleeps).toEqual([7000]);
    expect(hf.requests).toHaveLength(2);
  });

  it('waits for the RateLimit header reset when there is no Retry-After', async () => {
    hf.lists.set('2024-10-25', dailyPapers20241025());
    hf.script(/daily_papers/, { status: 429, headers: { ratelimit: '"api";r=0;t=42' } });
    await client().fetchList({ date: '2024-10-25' });
    expect(sleeps).toEqual([42_000]);
  });

  it('gives up at once when a 429 asks for a longer wait than allowed', async () => {
    hf.script(/daily_papers/, { status: 429, headers: { 'retry-after': '3600' } });
    await expect(client().fetchList({ date: '2024-10-25' })).rejects.toThrow(/asks to wait 3600 s/);
    expect(sleeps).toEqual([]);
  });

  it('retries 500 with exponential backoff and jitter, then succeeds', async () => {
    hf.lists.set('2024-10-25', dailyPapers20241025());
    hf.script(/daily_papers/, { status: 500 }, { status: 503 });
    expect(await client().fetchList({ date: '2024-10-25' })).toHaveLength(3);
    // full jitter with random()=0.5 → 3/4 of each cap: 500·2^(n-1)
    expect(sleeps).toEqual([375, 750]);
  });

  it('retries a dropped connection, and reports a persistent 5xx after the last attempt', async () => {
    hf.script(/daily_papers/, { drop: true }, { status: 502 }, { status: 502 }, { status: 502 });
    const err = await client()
      .fetchList({ date: '2024-10-25' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BotError);
    expect((err as BotError).code).toBe('SOURCE_UNAVAILABLE');
    expect((err as BotError).message).toMatch(/HTTP 502 after 4 attempts/);
    expect(hf.requests).toHaveLength(4);
  });

  it('reports a server that cannot be reached at once, without retrying (connection refused is no network)', async () => {
    const url = hf.url;
    await hf.stop();
    let sleeps = 0;
    const err = await new HfClient({
      baseUrl: url,
      log: captureLogs().log,
      sleep: async () => {
        sleeps++;
      },
      maxAttempts: 2,
    })
      .fetchList({ date: '2024-10-25' })
      .then(
        () => undefined,
        (e: unknown) => e as BotError,
      );
    expect(err).toBeInstanceOf(SourceUnreachable);
    expect(err?.message).toBe(`Hugging Face at ${url} is unreachable (ECONNREFUSED): check the network, or HF_API_URL`);
    expect(err?.code).toBe('SOURCE_UNAVAILABLE');
    expect(sleeps).toBe(0);
  });

  it('times out a request that hangs, and retries it', async () => {
    hf.lists.set('2024-10-25', dailyPapers20241025());
    hf.script(/daily_papers/, { delayMs: 500, body: [] });
    expect(await client({ timeoutMs: 100 }).fetchList({ date: '2024-10-25' })).toHaveLength(3);
    expect(sleeps).toHaveLength(1);
  });

  it('does not retry malformed JSON, and says what it got', async () => {
    hf.script(/daily_papers/, { body: '[{"paper": {"id": "2410.1' });
    await expect(client().fetchList({ date: '2024-10-25' })).rejects.toMatchObject({
      code: 'SOURCE_MALFORMED',
      message: expect.stringMatching(/malformed JSON for \/api\/daily_papers\?date=2024-10-25/),
    });
    expect(hf.requests).toHaveLength(1);
  });

  it('refuses a body that is not an array', async () => {
    hf.script(/daily_papers/, { body: { papers: [] } });
    await expect(client().fetchList({ date: '2024-10-25' })).rejects.toThrow(
      /returned an object .* expected a JSON array/,
    );
  });

  it('reports a 4xx with the API message and does not retry it', async () => {
    const err = await client({ pageSize: 100 })
      .fetchList({ week: 'nonsense' })
      .then(
        () => undefined,
        (e: unknown) => e as BotError,
      );
    expect(err?.code).toBe('SOURCE_REJECTED');
    expect(err?.message).toContain('HTTP 400: Invalid date');
  });

  it('fetches one paper, and answers undefined for an unknown one', async () => {
    hf.papers.set('2509.04664', paper250904664());
    expect(await client().fetchPaper('2509.04664')).toEqual(paper250904664());
    expect(await client().fetchPaper('2509.99999')).toBeUndefined();
  });
});

describe('rate-limit headers', () => {
  it('reads Retry-After as seconds or an HTTP date, and the IETF RateLimit header', () => {
    expect(rateLimitWaitMs(new Headers({ 'retry-after': '1.5' }))).toBe(1500);
    expect(
      rateLimitWaitMs(
        new Headers({ 'retry-after': 'Wed, 25 Nov 2026 12:00:10 GMT' }),
        Date.parse('2026-11-25T12:00:00Z'),
      ),
    ).toBe(10_000);
    expect(rateLimitWaitMs(new Headers({ ratelimit: 'limit=500, remaining=0, reset=30' }))).toBe(30_000);
    expect(rateLimitWaitMs(new Headers({}))).toBeUndefined();
  });
});

describe('HfClient when the response body breaks off', () => {
  /** A server whose first `broken` answers send the headers and half a body, then stall or reset. */
  async function breakingServer(mode: 'stall' | 'reset', broken: number) {
    const { createServer } = await import('node:http');
    const body = JSON.stringify(dailyPapers20241025());
    let served = 0;
    const open = new Set<import('node:net').Socket>();
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      if (served++ < broken) {
        res.write(body.slice(0, 100));
        if (mode === 'reset') setTimeout(() => res.socket?.destroy(), 20);
        return; // stall: never finish
      }
      res.end(body);
    });
    server.on('connection', (s) => {
      open.add(s);
      s.on('close', () => open.delete(s));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as import('node:net').AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      requests: () => served,
      close: () => {
        for (const s of open) s.destroy();
        server.close();
      },
    };
  }

  it.each(['stall', 'reset'] as const)('retries a body that %ss mid-transfer and says what happened', async (mode) => {
    const server = await breakingServer(mode, 1);
    const logs = captureLogs();
    try {
      const records = await client({ baseUrl: server.url, timeoutMs: 300, log: logs.log }).fetchList({
        date: '2024-10-25',
      });
      expect(records).toHaveLength(3);
      expect(server.requests()).toBe(2);
      const warning = logs.entries.find((e) => e.msg === 'Hugging Face request failed; retrying');
      expect(String(warning?.problem)).toMatch(
        mode === 'stall'
          ? /the response body stalled after 300 ms/
          : /connection broke while the response body was read/,
      );
    } finally {
      server.close();
    }
  });
});
