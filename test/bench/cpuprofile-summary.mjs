// Summarises a `node --cpu-prof` profile: self time by package (node_modules/<pkg>), by our own top folders
// (src/, adapters/), node internals, and by the hottest functions. Used for the breakdown behind the `cli` bench part:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof adapters/paperpulse.js --help > /dev/null
//   node test/bench/cpuprofile-summary.mjs /tmp/prof/*.cpuprofile [--top 15]
//
// Only the main thread is profiled (tsx's module hooks run on their own thread, esbuild in its own process: their
// time shows here as "(idle)" or "(program)" while the main thread waits for them).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '15' } },
  allowPositionals: true,
});
const top = Number(values.top);

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const groups = new Map();
  const functions = new Map();
  let total = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    total += us;
    const group = groupOf(callFrame);
    groups.set(group, (groups.get(group) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} ${shortUrl(callFrame.url)}:${callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const ms = (us) => (us / 1000).toFixed(1).padStart(8);
  process.stdout.write(`${file}\n  sampled ${ms(total)} ms (profile ${ms(profile.endTime - profile.startTime)} ms)\n`);
  process.stdout.write('  self time by origin:\n');
  for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1])) process.stdout.write(`  ${ms(us)} ms  ${g}\n`);
  process.stdout.write(`  hottest ${top} functions (self time):\n`);
  for (const [f, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`  ${ms(us)} ms  ${f}\n`);
}

function groupOf(callFrame) {
  const { url, functionName } = callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return `npm: ${pkg[1]}`;
  if (url.startsWith('node:')) return 'node internals';
  if (url.startsWith('wasm://')) return 'WebAssembly';
  const own = /\/(src|adapters|test)\//.exec(url);
  if (own) return `own: ${own[1]}/`;
  return url;
}

function shortUrl(url) {
  if (!url) return '';
  const pkg = /node_modules\/(.*)$/.exec(url);
  if (pkg) return pkg[1];
  return url.replace(/^file:\/\/.*?\/(src|adapters|test)\//, '$1/');
}
