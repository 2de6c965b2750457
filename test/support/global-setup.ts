/**
 * Runs once before any test file: builds the migrated PGlite template the test files load (databases.ts), so that
 * no file pays for creating it.
 */
import { pgliteTemplate } from './databases.js';

export default async function setup(): Promise<void> {
  await pgliteTemplate();
}
