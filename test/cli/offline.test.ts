import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { unusedPort } from '../support/ports.js';

/** The command line without a network (issue 10, item 9): one line and exit 1, quickly, not a retry per day. */
describe('backfill and ingest offline', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pp-offline-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('backfill with Hugging Face unreachable fails fast with one line, exit 1', async () => {
    const port = await unusedPort();
    const r = await cli(['backfill', '--from', '2026-11-01', '--to', '2026-11-10'], {
      PAPERPULSE_DATA_DIR: join(dir, 'backfill'),
      HF_API_URL: `http://127.0.0.1:${port}`,
      HF_TIMEOUT_MS: '1000',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `paperpulse backfill: Hugging Face at http://127.0.0.1:${port} is unreachable (ECONNREFUSED): check the network, or HF_API_URL\n`,
    );
    // Not a failed line (and 4 attempts with backoff) for each of the 10 days.
    expect(r.stdout).toBe('');
  });

  it('a server error still gets retried and reported per day, in one line per day when not on a terminal', async () => {
    const hf = await new FakeHuggingFace().start();
    try {
      hf.script(/daily_papers/, ...Array.from({ length: 8 }, () => ({ status: 503 })));
      const r = await cli(['backfill', '--from', '2026-11-02', '--to', '2026-11-03'], {
        PAPERPULSE_DATA_DIR: join(dir, 'server-error'),
        HF_API_URL: hf.url,
        HF_TIMEOUT_MS: '1000',
      });
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines.filter((l) => /^2026-11-0[23]: failed: .*HTTP 503 after 4 attempts$/.test(l))).toHaveLength(2);
      expect(lines.at(-1)).toBe('paperpulse backfill: 2 date(s) failed; run the same command again to retry them');
      expect(lines).toHaveLength(3);
      expect(r.stdout).toBe('0 day(s) ingested (0 records), 2 failed\n');
      // The retries before each failure are not logged one by one.
      expect(r.stderr).not.toContain('Hugging Face request failed');
      expect(r.stderr).not.toContain('ingest of a date failed');
    } finally {
      await hf.stop();
    }
  }, 60_000);
});
