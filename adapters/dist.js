// Which code `paperpulse` runs: the build in dist/ when there is one of exactly these sources, else the TypeScript
// sources through tsx. Plain JavaScript, read by adapters/paperpulse.js before anything else is loaded.
//
// A build lives in dist/<fingerprint>/, where the fingerprint is a hash of every TypeScript file of src/ and
// adapters/ (path and content) and of the two tsconfig files. The executable computes the fingerprint of the
// sources it finds (a few ms: ~170 files, ~700 kB) and runs dist/<fingerprint>/ only if that build exists and is
// complete (build-info.json is written last). An edited, added or deleted source, a `git checkout` or a
// half-finished build therefore never runs old code: it runs the sources through tsx until `npm run build`.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The folders compiled to dist/ (tsconfig.build.json's include), and the configuration that shapes the output. */
export const SOURCE_DIRS = ['src', 'adapters'];
export const BUILD_CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];
/** Written last into a finished build. */
export const BUILD_INFO = 'build-info.json';

/** The TypeScript files tsc compiles, relative to root, with `/` separators, sorted. */
export function sourceFiles(root) {
  const files = [];
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { recursive: true })) {
      const path = String(entry);
      if (path.endsWith('.ts') && !path.endsWith('.d.ts')) files.push(`${dir}/${path.split(sep).join('/')}`);
    }
  }
  return files.sort();
}

/** A hash of the sources and build configuration: the name of their build in dist/. */
export function sourceFingerprint(root) {
  const hash = createHash('sha256');
  for (const file of [...BUILD_CONFIGS, ...sourceFiles(root)]) {
    hash.update(`${file}\0`);
    hash.update(existsSync(join(root, file)) ? readFileSync(join(root, file)) : '(missing)');
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 20);
}

/**
 * The entry module of the build of the current sources, or why there is none:
 * `{ main: URL }` or `{ main: undefined, reason: '…' }`.
 */
export function builtMain(root) {
  let fingerprint;
  try {
    fingerprint = sourceFingerprint(root);
  } catch (err) {
    return { main: undefined, reason: `cannot read the sources (${err.message})` };
  }
  const dir = join(root, 'dist', fingerprint);
  if (!existsSync(join(dir, BUILD_INFO))) {
    return {
      main: undefined,
      reason: existsSync(join(root, 'dist')) ? 'no build of the current sources in dist/' : 'no dist/',
      fingerprint,
    };
  }
  return { main: pathToFileURL(join(dir, 'adapters', 'main.js')), fingerprint };
}
