import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRoute } from '../../src/http/route.js';
import { MAX_URL_LENGTH, type RunningHttpServer, startHttpServer } from '../../src/http/server.js';
import { captureLogs } from '../support/log-capture.js';

/** Sends raw bytes and resolves with everything the server answered before closing (or after `waitMs`). */
function raw(port: number, bytes: string, waitMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, waitMs);
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', reject);
    socket.write(bytes);
  });
}

describe('the optional HTTP server', () => {
  let server: RunningHttpServer;
  let base: string;
  const logs = captureLogs();
  const calls: string[] = [];

  beforeAll(async () => {
    const hello: HttpRoute = (_req, res, url) => {
      if (url.pathname !== '/hello') return false;
      calls.push(`hello ${url.searchParams.get('name') ?? ''}`);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`hello ${url.searchParams.get('name') ?? 'you'}\n`);
      return true;
    };
    const second: HttpRoute = async (_req, res, url) => {
      if (url.pathname !== '/second') return false;
      res.writeHead(200);
      res.end('second\n');
      return true;
    };
    const broken: HttpRoute = async (_req, _res, url) => {
      if (url.pathname === '/broken') throw new Error('route bug');
      return false;
    };
    server = await startHttpServer({ port: 0, host: '127.0.0.1', routes: [hello, broken, second], log: logs.log });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it('routes GET to the first route that answers, with the parsed query', async () => {
    const r = await fetch(`${base}/hello?name=ada`);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('hello ada\n');
    const s = await fetch(`${base}/second`);
    expect(await s.text()).toBe('second\n');
  });

  it('answers HEAD without a body, and 404 for a path no route knows', async () => {
    const head = await fetch(`${base}/hello`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const missing = await fetch(`${base}/nothing-here`);
    expect(missing.status).toBe(404);
  });

  it('refuses other methods with 405 and an Allow header, without running a route', async () => {
    const before = calls.length;
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      const r = await fetch(`${base}/hello`, { method, body: method === 'DELETE' ? null : 'x' });
      expect(r.status).toBe(405);
      expect(r.headers.get('allow')).toBe('GET, HEAD');
    }
    expect(calls.length).toBe(before);
  });

  it('refuses an over-long URL with 414, and accepts one at the limit', async () => {
    const at = `/hello?name=${'a'.repeat(MAX_URL_LENGTH - '/hello?name='.length)}`;
    expect(at.length).toBe(MAX_URL_LENGTH);
    expect((await fetch(`${base}${at}`)).status).toBe(200);
    expect((await fetch(`${base}${at}a`)).status).toBe(414);
  });

  it('answers 500 when a route throws, logs it, and keeps serving', async () => {
    const r = await fetch(`${base}/broken`);
    expect(r.status).toBe(500);
    expect(logs.entries.some((e) => e.msg === 'HTTP route failed')).toBe(true);
    expect((await fetch(`${base}/hello`)).status).toBe(200);
  });

  it('survives malformed requests: garbage, an absolute-form target, a bad percent-encoding, huge headers', async () => {
    expect(await raw(server.port, 'NONSENSE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(
      await raw(server.port, 'GET http://evil.example/hello HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
    ).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(server.port, 'GET /hello?name=%E0%A4%A HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n')).toMatch(
      /^HTTP\/1\.1 200/,
    );
    const big = `GET /hello HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(64 * 1024)}\r\n\r\n`;
    expect(await raw(server.port, big)).toMatch(/^HTTP\/1\.1 431/);
    expect((await fetch(`${base}/hello`)).status).toBe(200);
  });

  it('cuts off a client that never finishes its headers (headers timeout)', async () => {
    const started = Date.now();
    const answer = await raw(server.port, 'GET /hello HTTP/1.1\r\nhost: x\r\n', 20_000);
    // HTTP_TIMEOUTS.headersMs is 5 s; Node checks it every second here.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(answer === '' || /^HTTP\/1\.1 408/.test(answer)).toBe(true);
  }, 30_000);

  it('says which port is taken when it cannot listen', async () => {
    await expect(startHttpServer({ port: server.port, host: '127.0.0.1', routes: [], log: logs.log })).rejects.toThrow(
      `HTTP_PORT ${server.port} is already in use`,
    );
  });
});
