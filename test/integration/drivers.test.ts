import { describe, expect, it } from 'vitest';
import { drivers, TEST_DATABASE_URL } from '../support/databases.js';

// Every integration suite runs once per driver in `drivers`. This file says which ones run, so a missing
// Postgres is visible in the output rather than silently skipped.
describe('integration drivers', () => {
  it('runs PGlite always, and Postgres when TEST_DATABASE_URL is set', () => {
    if (!TEST_DATABASE_URL) {
      console.warn(
        'NOTE: TEST_DATABASE_URL is not set, so the integration suites ran on PGlite only. ' +
          'Set it (e.g. postgres://root@127.0.0.1:5432/test) to run them on Postgres as well; CI does.',
      );
    }
    expect(drivers.map((d) => d.name)).toEqual(TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']);
  });
});
