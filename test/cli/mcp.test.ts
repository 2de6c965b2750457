import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import type { CommandResult } from '../../src/ports/commands.js';
import { createPostgresDatabase, dropPostgresDatabase, silentLog, TEST_DATABASE_URL } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { childEnv, ROOT } from '../support/spawn.js';

/**
 * `paperpulse mcp` as an MCP client runs it: a real child process over stdio, driven by the SDK's own Client. Its
 * answers are compared with the chat's own commands run in this process on the same archive.
 */
interface Setup {
  /** The child's database variables. */
  readonly env: Record<string, string>;
  /** What the chat's own commands answered for each case, on the same archive. */
  readonly expected: Map<string, CommandResult>;
  dispose(): Promise<void>;
}

type Cases = readonly (readonly [key: string, command: string, values: Record<string, string | number>])[];

const dir = mkdtempSync(join(tmpdir(), 'pp-mcp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An archive with the sample, and the chat's answers to `cases` on it (run before any server holds it). */
async function setup(name: 'pglite' | 'postgres', cases: Cases = []): Promise<Setup> {
  const databaseUrl = name === 'postgres' ? await createPostgresDatabase() : undefined;
  const dataDir = join(dir, `data-${name}-${Math.random().toString(36).slice(2)}`);
  const database = await createDatabase({ dataDir, databaseUrl, log: silentLog });
  const expected = new Map<string, CommandResult>();
  try {
    await database.migrate();
    const app = buildApp(database, { config: loadConfig({}), log: silentLog });
    await app.services.ingest.importRecords(sample(), 'sample');
    const dispatcher = app.dispatcher([{ name: 'mcp', traits: { managers: '-', buttonTtlMs: 0, threads: false } }]);
    for (const [key, command, values] of cases) {
      expected.set(
        key,
        await dispatcher.dispatch({
          input: { kind: 'options', command, values },
          channel: { platform: 'mcp', address: 'local' },
          user: { id: 't', displayName: 't' },
          isManager: async () => false,
        }),
      );
    }
  } finally {
    await database.close();
  }
  return {
    env: databaseUrl ? { DATABASE_URL: databaseUrl } : { PAPERPULSE_DATA_DIR: dataDir },
    expected,
    dispose: async () => {
      if (databaseUrl) await dropPostgresDatabase(databaseUrl);
    },
  };
}

async function connect(env: Record<string, string>, args: string[] = []) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['adapters/paperpulse.js', 'mcp', ...args],
    cwd: ROOT,
    env: childEnv({ HF_API_URL: 'http://127.0.0.1:9', HF_TIMEOUT_MS: '500', ...env }) as Record<string, string>,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: 'paperpulse-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (err) => errors.push(err);
  await client.connect(transport);
  return {
    client,
    errors,
    stderr: () => stderr,
    call: async (name: string, args: Record<string, unknown>) =>
      (await client.callTool({ name, arguments: args })) as CallToolResult,
  };
}

const textOf = (r: CallToolResult) => r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

const kinds = TEST_DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const);

describe.each(kinds)('paperpulse mcp on %s', (name) => {
  let s: Setup;
  let session: Awaited<ReturnType<typeof connect>>;
  let expected: Map<string, CommandResult>;
  const first = (sample()[0] as { paper: { id: string } }).paper.id;
  const cases: Cases = [
    ['search', 'search', { query: 'optimal transport', limit: 5 }],
    ['filtered', 'search', { query: 'diffusion since:2026-11-05 min-upvotes:3 has:code', limit: 10 }],
    ['badFilter', 'search', { query: 'diffusion has:pdf', limit: 10 }],
    ['week', 'trending', { period: 'week', date: '2026-W46', top: 3 }],
    ['latest', 'trending', { top: 10 }],
    ['badDate', 'trending', { period: 'day', date: '2026-02-30', top: 10 }],
    ['badRef', 'paper', { id: 'not a paper' }],
    ['paper', 'paper', { id: first }],
    ['similar', 'similar', { id: first, limit: 3 }],
    ['rising', 'rising', { window: '7d', limit: 5 }],
    ['badSimilar', 'similar', { id: '2101.99999', limit: 5 }],
  ];

  beforeAll(async () => {
    s = await setup(name, cases);
    expected = s.expected;
    session = await connect(s.env);
  }, 120_000);
  afterAll(async () => {
    await session?.client.close();
    await s?.dispose();
  });

  it('lists the read-only tools with their input and output schemas', async () => {
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['search_papers', 'get_paper', 'trending', 'rising', 'similar_papers']);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type, tool.name).toBe('object');
    }
    const search = tools[0]!;
    expect(search.inputSchema.required).toEqual(['query']);
    expect(Object.keys(search.inputSchema.properties ?? {})).toEqual([
      'query',
      'since',
      'min_upvotes',
      'has_code',
      'limit',
    ]);
  });

  it('search_papers: the chat’s results as structured content, with filters as arguments', async () => {
    const r = await session.call('search_papers', { query: 'optimal transport', limit: 5 });
    expect(r.isError).toBeFalsy();
    const want = expected.get('search')!.data as { results: { id: string; title: string }[] };
    expect(want.results.length).toBeGreaterThan(0);
    expect(r.structuredContent).toMatchObject({ results: want.results.map((p) => ({ id: p.id, title: p.title })) });
    expect(textOf(r)).toContain(`1. ${want.results[0]!.title}`);
    const filtered = await session.call('search_papers', {
      query: 'diffusion',
      since: '2026-11-05',
      min_upvotes: 3,
      has_code: true,
    });
    const wantFiltered = expected.get('filtered')!.data as { results: { id: string }[] };
    expect((filtered.structuredContent as { results: { id: string }[] }).results.map((p) => p.id)).toEqual(
      wantFiltered.results.map((p) => p.id),
    );
  });

  it('get_paper by URL, and trending by week and by default', async () => {
    const want = (expected.get('paper')!.data as { paper: { id: string; title: string; listDates: string[] } }).paper;
    const r = await session.call('get_paper', { id: `https://huggingface.co/papers/${want.id}` });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ paper: { id: want.id, title: want.title, listDates: want.listDates } });
    expect(textOf(r)).toContain(want.title);
    const week = await session.call('trending', { period: 'week', date: '2026-W46', limit: 3 });
    const wantWeek = expected.get('week')!.data as { papers: { id: string }[]; total: number };
    expect(week.structuredContent).toMatchObject({ period: 'week', from: '2026-11-09', total: wantWeek.total });
    expect((week.structuredContent as { papers: { id: string }[] }).papers.map((p) => p.id)).toEqual(
      wantWeek.papers.map((p) => p.id),
    );
    const latest = await session.call('trending', {});
    expect(latest.structuredContent).toMatchObject({
      from: (expected.get('latest')!.data as { from: string }).from,
    });
  });

  it('similar_papers and rising: the chat’s answers as structured content', async () => {
    const want = expected.get('similar')!.data as { source: { id: string }; results: { id: string }[] };
    expect(want.results.length).toBeGreaterThan(0);
    const r = await session.call('similar_papers', { id: first, limit: 3 });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ source: { id: first } });
    expect(
      (r.structuredContent as { results: { id: string; sharedTerms: string[] }[] }).results.map((p) => p.id),
    ).toEqual(want.results.map((p) => p.id));
    const up = await session.call('rising', { window: '7d', limit: 5 });
    expect(up.isError).toBeFalsy();
    const wantUp = expected.get('rising')!.data as { results: { id: string }[] };
    expect(up.structuredContent).toMatchObject({ window: '7d', metric: 'upvotes' });
    expect((up.structuredContent as { results: { id: string }[] }).results.map((p) => p.id)).toEqual(
      wantUp.results.map((p) => p.id),
    );
  });

  it('answers the chat’s mistakes with the chat’s messages, as tool errors', async () => {
    for (const [key, tool, args] of [
      ['badFilter', 'search_papers', { query: 'diffusion has:pdf' }],
      ['badDate', 'trending', { period: 'day', date: '2026-02-30' }],
      ['badRef', 'get_paper', { id: 'not a paper' }],
      ['badSimilar', 'similar_papers', { id: '2101.99999' }],
    ] as const) {
      const r = await session.call(tool, args);
      const chat = expected.get(key)!;
      expect(chat.ok).toBe(false);
      expect(r.isError, key).toBe(true);
      expect(textOf(r)).toBe(chat.error!.message);
    }
  });

  it('refuses bad arguments as tool errors, and keeps serving', async () => {
    for (const [tool, args] of [
      ['search_papers', {}],
      ['search_papers', { query: 'x', limit: 0 }],
      ['search_papers', { query: 'x', since: 'yesterday' }],
      ['trending', { period: 'year' }],
      ['get_paper', { id: 42 }],
      ['rising', { window: '3d' }],
      ['similar_papers', { id: 'x', limit: 26 }],
    ] as const) {
      const r = await session.call(tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(r)).toMatch(/Input validation error/);
    }
    expect((await session.call('trending', { limit: 1 })).isError).toBeFalsy();
  });

  it('keeps stdout to the protocol: no stray line, logs on stderr only', () => {
    expect(session.errors).toEqual([]);
  });
});

describe('paperpulse mcp on the embedded database while another process holds it', () => {
  it('answers that the database is in use, then works once it is free; idle, it lets go of the lock', async () => {
    const s = await setup('pglite');
    const dataDir = s.env.PAPERPULSE_DATA_DIR!;
    const lock = join(dataDir, 'paperpulse.lock');
    const session = await connect(s.env, ['--release-after', '1']);
    try {
      expect((await session.call('trending', { limit: 1 })).isError).toBeFalsy();
      expect(existsSync(lock), 'held while in use').toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(existsSync(lock), 'released after 1 s idle').toBe(false);
      // Another live process (this test process) now holds the embedded database, as a running bot would.
      writeFileSync(lock, String(process.pid));
      const refused = await session.call('search_papers', { query: 'diffusion' });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toBe(
        `The embedded database in ${dataDir} is in use by another PaperPulse process (pid ${process.pid}), probably ` +
          'the bot: the embedded database allows one process at a time, so the MCP server can read it only while ' +
          'the bot is stopped. To use both at once, run them on Postgres (set DATABASE_URL for both).',
      );
      rmSync(lock);
      expect((await session.call('search_papers', { query: 'diffusion' })).isError).toBeFalsy();
      expect(session.errors).toEqual([]);
    } finally {
      await session.client.close();
      await s.dispose();
    }
  }, 120_000);
});
