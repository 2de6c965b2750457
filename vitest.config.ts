import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most suites wait on sockets, child processes and timers rather than the CPU, so one worker more than there are
// cores keeps a 2-core machine busy (vitest's default of cores - 1 would run them one at a time there).
export default defineConfig({
  test: {
    maxWorkers: Math.max(2, availableParallelism() + 1),
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Builds the migrated PGlite template once for every file (test/support/databases.ts).
    globalSetup: ['test/support/global-setup.ts'],
  },
});
