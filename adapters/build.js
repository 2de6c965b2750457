#!/usr/bin/env node
// `npm run build`: compiles src/ and adapters/ with tsc (tsconfig.build.json: type erasure, no check) into
// dist/<fingerprint>/ (see adapters/dist.js), which `paperpulse` then runs instead of the sources through tsx.
//
//   node adapters/build.js                 build unless the current sources are built already; exit 1 on failure
//   node adapters/build.js --if-possible   the same, but exit 0 with a note when TypeScript is not installed (a
//                                          production install) or the build fails: "prepare" runs this on every
//                                          `npm install` / `npm ci`, which must not fail for want of a build
//
// The build is written to a temporary folder and renamed into place only when complete, with build-info.json; if
// the sources changed while tsc ran, it is thrown away. The two newest other builds are kept (a bot started from
// one of them may still load modules from it); older ones are removed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO, sourceFingerprint } from './dist.js';

const KEEP_OTHER_BUILDS = 2;
const ifPossible = process.argv.includes('--if-possible');
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');

/** Ends the build: a failure is exit 1, or only a note with --if-possible. */
function give(message) {
  if (ifPossible) {
    process.stderr.write(
      `paperpulse build skipped: ${message}; \`paperpulse\` runs a build of these sources from dist/ if there is one, else the sources through tsx\n`,
    );
    process.exit(0);
  }
  process.stderr.write(`paperpulse build failed: ${message}\n`);
  process.exit(1);
}

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  give('TypeScript is not installed (a production install: npm ci --omit=dev)');
}

const fingerprint = sourceFingerprint(root);
const target = join(dist, fingerprint);
if (existsSync(join(target, BUILD_INFO))) {
  process.stdout.write(`dist/${fingerprint} is the build of the current sources: nothing to do\n`);
  process.exit(0);
}

mkdirSync(dist, { recursive: true });
const tmp = join(dist, `.tmp-${process.pid}-${Date.now()}`);
const started = performance.now();
const r = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', tmp], {
  cwd: root,
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (r.status !== 0) {
  rmSync(tmp, { recursive: true, force: true });
  give(`tsc exited with ${r.status ?? r.signal}`);
}
if (sourceFingerprint(root) !== fingerprint) {
  rmSync(tmp, { recursive: true, force: true });
  give('the sources changed while they were being built; run it again');
}
const typescript = createRequire(import.meta.url)('typescript/package.json').version;
writeFileSync(
  join(tmp, BUILD_INFO),
  `${JSON.stringify({ fingerprint, built_at: new Date().toISOString(), typescript }, null, 2)}\n`,
);
try {
  renameSync(tmp, target);
} catch (err) {
  rmSync(tmp, { recursive: true, force: true });
  // Another build of the same sources finished first: theirs is as good as ours.
  if (!existsSync(join(target, BUILD_INFO))) give(`cannot move the build into dist/ (${err.message})`);
}

// Older builds: keep the newest few, and remove temporary folders abandoned over an hour ago.
const others = readdirSync(dist)
  .filter((name) => name !== fingerprint)
  .map((name) => ({ name, mtime: statSync(join(dist, name)).mtimeMs }))
  .sort((a, b) => b.mtime - a.mtime);
const builds = others.filter((o) => !o.name.startsWith('.tmp-'));
const abandoned = others.filter((o) => o.name.startsWith('.tmp-') && Date.now() - o.mtime > 3_600_000);
for (const old of [...builds.slice(KEEP_OTHER_BUILDS), ...abandoned]) {
  rmSync(join(dist, old.name), { recursive: true, force: true });
}
process.stdout.write(`built dist/${fingerprint} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
