#!/usr/bin/env node
// The `paperpulse` executable (package.json "bin"). Runs the TypeScript sources through tsx, so a fresh
// checkout works right after `npm install`, with no build step.
// `--version` needs nothing but package.json: answered before tsx and the sources are loaded.
const [first] = process.argv.slice(2);
if (first === '--version' || first === '-v' || first === 'version') {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`paperpulse ${version}\n`);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
