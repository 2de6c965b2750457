// Filters paths the way Docker's build context does with a .dockerignore file: reads NUL-separated paths
// (relative to the context) on stdin and writes the ones Docker would send, NUL-separated, on stdout.
//
//   git ls-files -z | node test/deploy/dockerignore.mjs .dockerignore > files
//
// The rules are those of moby/patternmatcher (what `docker build` and BuildKit use): one pattern a line, `#`
// comments, blank lines skipped, a leading `/` and trailing `/` dropped, `!` re-includes; `*` and `?` do not cross
// `/`, `**` matches any number of directories; a pattern that matches a directory matches everything under it; the
// last pattern that matches a path decides.
import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';

const file = process.argv[2] ?? '.dockerignore';
const patterns = readFileSync(file, 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => {
    const exclusion = line.startsWith('!');
    let text = exclusion ? line.slice(1).trim() : line;
    text = posix.normalize(text).replace(/^\/+/, '').replace(/\/+$/, '');
    return { text, exclusion, regex: toRegex(text) };
  });

/** moby/patternmatcher's translation of a pattern into a regular expression. */
function toRegex(pattern) {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++; // "**/" counts as "**"
        out += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        out += '[^/]*';
      }
    } else if (ch === '?') {
      out += '[^/]';
    } else if (ch === '\\') {
      i++;
      out += `\\${pattern[i] ?? '\\'}`;
    } else if (ch === '[' || ch === ']' || ch === '-' || ch === '^') {
      out += ch; // character classes pass through
    } else {
      out += ch.replace(/[.+(){}|$]/g, '\\$&');
    }
  }
  return new RegExp(`${out}$`);
}

/** Whether Docker leaves `path` out of the build context. */
export function excluded(path) {
  const parents = [];
  for (let dir = posix.dirname(path); dir !== '.' && dir !== '/'; dir = posix.dirname(dir)) parents.push(dir);
  let out = false;
  for (const p of patterns) {
    if (p.regex.test(path) || parents.some((dir) => p.regex.test(dir))) out = !p.exclusion;
  }
  return out;
}

const input = readFileSync(0, 'utf8');
const kept = input
  .split('\0')
  .filter(Boolean)
  // A tracked file deleted in the work tree is not in the context either.
  .filter((path) => !excluded(path) && existsSync(path));
process.stdout.write(kept.map((p) => `${p}\0`).join(''));
