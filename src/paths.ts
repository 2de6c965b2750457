import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
let version: string | undefined;

/**
 * The project's root directory (where package.json, migrations/ and data/sample/ live), found by walking up from
 * this module, so paths are right whether the code runs from the TypeScript sources or from a build in dist/.
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    const pkg = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string })
      : {};
    if (pkg.name === 'paperpulse') {
      root = dir;
      version = pkg.version ?? '0.0.0';
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the PaperPulse project root (package.json) above this module');
    dir = parent;
  }
}

/** PaperPulse's version, from package.json. */
export function packageVersion(): string {
  projectRoot();
  return version!;
}
