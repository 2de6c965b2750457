/**
 * One side of the lock-file race (test/integration/lock-file.test.ts): for each round r it waits for `go-r` in DIR,
 * then tries to take the lock of DIR/r (which holds a stale lock), holds it 30 ms if it got it, releases it, and
 * records the outcome in DIR/r/<NAME>: `refused`, or `acquired <from ms> <to ms>`.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireDataDirLock } from '../../src/db/lock-file.js';

const dir = process.env.DIR!;
const rounds = Number(process.env.ROUNDS);
const name = process.env.NAME!;
const spin = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
for (let r = 0; r < rounds; r++) {
  while (!existsSync(join(dir, `go-${r}`))) spin(1);
  let outcome = 'refused';
  try {
    const release = acquireDataDirLock(join(dir, String(r)));
    const from = Date.now();
    spin(30);
    outcome = `acquired ${from} ${Date.now()}`;
    release();
  } catch {
    // DATA_DIR_LOCKED: the other side has it
  }
  writeFileSync(join(dir, String(r), name), outcome);
}
