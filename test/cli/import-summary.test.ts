import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

/** `paperpulse import` of a file that is not (all) papers (issue 10, item 8). */
describe('import: a summary instead of a warning per bad line', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a file with no record at all (a README) exits 1 with one line', async () => {
    const readme = join(dir, 'README.md');
    const lines = ['# A project', '', ...Array.from({ length: 433 }, (_, i) => `Line ${i} of prose.`)];
    writeFileSync(readme, `${lines.join('\n')}\n`);
    const r = await cli(['import', readme], { PAPERPULSE_DATA_DIR: join(dir, 'readme') });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `paperpulse import: ${readme}: 0 of 434 lines are daily_papers records; first problem on line 1: not JSON (SyntaxError: Unexpected token '#', "# A project" is not valid JSON)\n`,
    );
    expect(r.stdout).toBe('');
  });

  it('bad lines among good records: the first 3 are shown, the rest counted, exit 0', async () => {
    const file = join(dir, 'mixed.jsonl');
    const record = (id: string) =>
      JSON.stringify({
        paper: { id, title: `Paper ${id}`, summary: 'About it.', upvotes: 1, authors: [] },
        publishedAt: '2026-11-20T08:00:00Z',
      });
    const bad = Array.from({ length: 7 }, (_, i) => `not json ${i}`);
    writeFileSync(file, [record('2601.00001'), ...bad, record('2601.00002')].join('\n'));
    const r = await cli(['import', file], { PAPERPULSE_DATA_DIR: join(dir, 'mixed') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/: 2 inserted, 0 updated, 0 unchanged, 7 skipped\n$/);
    const warnings = r.stderr.trim().split('\n');
    expect(warnings).toHaveLength(4);
    expect(warnings.slice(0, 3).map((w) => /line=(\d+)/.exec(w)?.[1])).toEqual(['2', '3', '4']);
    expect(warnings[3]).toMatch(/^warn: skipped 4 more lines that are not JSON/);
  });

  it('JSON lines that are all malformed records exit 1 too', async () => {
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, `${JSON.stringify({ paper: { id: 'x' } })}\n${JSON.stringify({ hello: 1 })}\n`);
    const r = await cli(['import', file], { PAPERPULSE_DATA_DIR: join(dir, 'records') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /paperpulse import: .*records\.jsonl: none of its 2 records is a valid daily_papers record/,
    );
  });
});
