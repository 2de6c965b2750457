/**
 * A local Hugging Face papers API on 127.0.0.1: serves recorded lists page by page (`date`, `week`, `month`,
 * `limit` ≤ 100, 0-based `p`) and `/api/papers/{id}`, enforces the real limit (`limit=101` → 400), and can be
 * scripted to answer the next requests with 429, 5xx, broken JSON or a dropped connection.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isoWeekRange, monthRange } from '../../src/domain/days.js';

export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A string is sent verbatim (for broken JSON); anything else as JSON. */
  readonly body?: unknown;
  /** Close the connection without answering. */
  readonly drop?: boolean;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export class FakeHuggingFace {
  /** Base URL to use as HF_API_URL. */
  url = '';
  /** Every request, in order: path with query string. */
  readonly requests: string[] = [];
  /** Daily lists by date, in the order the API returns them. */
  readonly lists = new Map<string, unknown[]>();
  /** Bare paper objects for /api/papers/{id}. */
  readonly papers = new Map<string, unknown>();
  private readonly scripts: { match: RegExp; response: ScriptedResponse }[] = [];
  private server: Server | undefined;

  /** Answers the next request whose path matches with `response` (once per call; queued in order). */
  script(match: RegExp, ...responses: ScriptedResponse[]): this {
    for (const response of responses) this.scripts.push({ match, response });
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.requests.push(path);
    const scripted = this.scripts.findIndex((s) => s.match.test(path));
    if (scripted >= 0) {
      const { response } = this.scripts.splice(scripted, 1)[0]!;
      if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
      if (response.drop) {
        req.socket.destroy();
        return;
      }
      const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {});
      res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
      res.end(body);
      return;
    }
    const url = new URL(path, 'http://x');
    if (url.pathname === '/api/daily_papers') {
      this.dailyPapers(url, res);
      return;
    }
    const paper = /^\/api\/papers\/([^/]+)$/.exec(url.pathname);
    if (paper) {
      const found = this.papers.get(decodeURIComponent(paper[1]!));
      json(res, found ? 200 : 404, found ?? { error: 'Paper not found' });
      return;
    }
    json(res, 404, { error: 'Not found' });
  }

  private dailyPapers(url: URL, res: ServerResponse): void {
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const page = Number(url.searchParams.get('p') ?? 0);
    if (limit > 100) {
      json(res, 400, { error: 'Too big: expected number to be <=100' });
      return;
    }
    let items: unknown[] = [];
    const date = url.searchParams.get('date');
    const range = date
      ? { from: date, to: date }
      : url.searchParams.get('week')
        ? isoWeekRange(url.searchParams.get('week')!)
        : url.searchParams.get('month')
          ? monthRange(url.searchParams.get('month')!)
          : undefined;
    if (!range) {
      json(res, 400, { error: 'Invalid date' });
      return;
    }
    for (const [d, list] of [...this.lists].sort()) if (d >= range.from && d <= range.to) items = items.concat(list);
    json(res, 200, items.slice(page * limit, (page + 1) * limit));
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
