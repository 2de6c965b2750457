#!/usr/bin/env node
// The `paperpulse` executable (package.json "bin").
// - `--version` needs nothing but package.json: answered before anything else is loaded.
// - Otherwise it runs the build of the current sources from dist/ (`npm run build`, run by `npm install` through
//   "prepare", and by the Dockerfile's build stage): plain JavaScript, no TypeScript loader. When dist/ holds no build
//   of exactly these sources (a fresh production install without one, or sources edited since the last build: see
//   adapters/dist.js), it runs the TypeScript sources through tsx, as before: slower to start, never stale.
// - PAPERPULSE_FROM_SOURCES=1 forces the sources (the bench compares the two; debugging with live edits).
const [first] = process.argv.slice(2);
if (first === '--version' || first === '-v' || first === 'version') {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`paperpulse ${version}\n`);
} else {
  const { fileURLToPath } = await import('node:url');
  const { builtMain } = await import('./dist.js');
  const fromSources = process.env.PAPERPULSE_FROM_SOURCES === '1';
  const built = fromSources ? { main: undefined } : builtMain(fileURLToPath(new URL('..', import.meta.url)));
  if (built.main) {
    await import(built.main.href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    await import('./main.ts');
  }
}
