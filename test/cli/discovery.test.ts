import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';

const SAMPLE = 'data/sample/seed-papers.daily_papers.json';

describe('paperpulse similar and rising', { timeout: 60_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pp-cli-discovery-'));
    env = { PAPERPULSE_DATA_DIR: join(dir, 'data'), HF_API_URL: 'http://127.0.0.1:9', HF_TIMEOUT_MS: '1000' };
    expect((await cli(['import', SAMPLE], env)).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('similar prints the other Trained Rank Pruning paper first; --json adds score and sharedTerms', async () => {
    const text = await cli(['similar', '9901.00066', '--limit', '2'], env);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout.split('\n').slice(0, 2)).toEqual([
      'Similar to TRP: Trained Rank Pruning for Efficient Deep Neural Networks',
      '1. Trained Rank Pruning for Efficient Deep Neural Networks',
    ]);
    const json = JSON.parse((await cli(['similar', 'https://arxiv.org/abs/9901.00158', '--json'], env)).stdout) as {
      id: string;
      score: number;
      sharedTerms: string[];
    }[];
    expect(json).toHaveLength(5);
    expect(json[0]).toMatchObject({
      id: '9901.00171',
      title: expect.any(String),
      upvotes: expect.any(Number),
      url: 'https://huggingface.co/papers/9901.00171',
      publishedAt: expect.any(String),
      score: expect.any(Number),
    });
    expect(json[0]!.sharedTerms).toContain('singular');
    const bad = await cli(['similar', 'nonsense'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('“nonsense” is not an arXiv id');
  });

  it('rising prints --json with gain, and names the accepted windows', async () => {
    const json = await cli(['rising', '--window', '7d', '--stars', '--json'], env);
    expect(json).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(json.stdout)).toEqual([]);
    const bad = await cli(['rising', '--window', '3d'], env);
    expect(bad).toMatchObject({ code: 2 });
    expect(bad.stderr).toBe(
      'paperpulse rising: --window is 24h or 7d, not "3d"\nusage: paperpulse rising [--window 24h|7d] [--stars] [--limit N] [--json]\n',
    );
  });
});
