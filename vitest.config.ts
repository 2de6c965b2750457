import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The order files start in. First those that spend most of their time waiting, not computing: the console's digest
 * waits for the next wall-clock minute (0–75 s), Discord's read-back for its timers, Slack's slow installations for
 * Bolt's 3 s deadline; in their own workers, their waits overlap the files that keep the CPU busy. Then the longest
 * of the others (10–70 s each on 2 cores), so that none of them starts near the end (longest first). A fresh clone
 * has no timing cache, so vitest alone would order by file size: a minute's wait, or the 70 s fuzz file, started
 * last and was the tail of the whole run. Files not named here follow in vitest's order.
 */
const FIRST_FILES = [
  'test/cli/console.test.ts',
  'test/adapters/discord/read-back.test.ts',
  'test/adapters/slack/slow-installations.test.ts',
  'test/integration/fuzz.test.ts',
  'test/integration/ingest.test.ts',
  'test/cli/import-summary.test.ts',
  'test/cli/offline.test.ts',
  'test/cli/signals.test.ts',
  'test/integration/delivery.test.ts',
  'test/adapters/slack/start.test.ts',
  'test/integration/startup-failures.test.ts',
  'test/cli/mcp.test.ts',
  'test/cli/cli.test.ts',
  'test/integration/lock-file.test.ts',
  'test/cli/bin.test.ts',
];

class NamedFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (file: TestSpecification) => {
      const i = FIRST_FILES.findIndex((name) => file.moduleId.endsWith(name));
      return i < 0 ? FIRST_FILES.length : i;
    };
    return sorted
      .map((file, i) => ({ file, i }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.i - b.i)
      .map(({ file }) => file);
  }
}

// Most suites wait on sockets, child processes and timers rather than the CPU, so two workers more than there are
// cores keep a 2-core machine busy while the waiting files named first sit in theirs (vitest's default of cores - 1 would
// run them one at a time there).
export default defineConfig({
  test: {
    // Worker threads, not child processes: each file's worker starts and imports its modules for less CPU (the whole
    // run took 251 s of CPU instead of 323 s, 138 s instead of 172 s on 2 idle cores). Nothing here needs what only
    // a process has (vitest's list: process.chdir(), process.env.TZ, thread-unsafe native modules); the suites that
    // need a real process (signals, exit codes, SIGKILL) spawn one.
    pool: 'threads',
    maxWorkers: Math.max(2, availableParallelism() + 2),
    sequence: { sequencer: NamedFilesFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Builds the migrated PGlite template once for every file (test/support/databases.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
