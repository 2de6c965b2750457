#!/usr/bin/env bash
# shellcheck disable=SC2016 # the single-quoted node -e scripts hold JavaScript template literals, not shell
# The container image's steps, without Docker (images cannot be pulled on the project's machines):
#
#   1. the build context: the tracked files (`git ls-files`) less what .dockerignore leaves out, copied into a fresh
#      directory outside the repository (so nothing resolves to the repository's node_modules);
#   2. the Dockerfile's build stage: the same files in a second directory, `npm ci --ignore-scripts` (with the dev
#      dependencies) and `npm run build`; its dist/ is copied into the first directory, as the runtime stage does;
#   3. `npm ci --omit=dev`, as the Dockerfile's runtime stage does ("prepare" finds no TypeScript and skips the
#      build); then a check that dist/ holds the build of exactly these sources, so `paperpulse` runs it, not tsx;
#   4. from there, with a clean environment: `node adapters/paperpulse.js --help` (what any command loads), every
#      TypeScript module of src/ and adapters/ imported once (the lazily loaded ones too: PGlite, discord.js,
#      Bolt), and the image's CMD, `node adapters/paperpulse.js start`, run as a console script on the embedded
#      database (Hugging Face unreachable: it loads the bundled sample, answers, exits 0 at end of input);
#   5. with --healthz: the bot started with HTTP_PORT and the Dockerfile's own HEALTHCHECK command run against it,
#      then GET /readyz (database, migrations, platform) and GET /metrics.
#
# With --database-url URL (an empty Postgres database), steps 4 and 5 run against it instead of the embedded
# database, as the compose file does.
#
# A dev dependency imported at run time fails step 4 with Node's "Cannot find package 'X' imported from <file>".
#
#   bash test/deploy/production-install.sh [--healthz] [--keep] [--database-url URL]
set -euo pipefail

healthz=false
keep=false
database_url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --healthz) healthz=true ;;
    --keep) keep=true ;;
    --database-url) database_url="${2:-}"; shift ;;
    *) echo "usage: $0 [--healthz] [--keep] [--database-url URL]" >&2; exit 2 ;;
  esac
  shift
done

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/pp-production-XXXXXX")"
app="$work/app"
bot_pid=""
cleanup() {
  if [ -n "$bot_pid" ]; then kill "$bot_pid" 2>/dev/null || true; fi
  if [ "$keep" = true ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

# Node looks for packages in every node_modules above the importing file: none may stand above $app.
dir="$work"
while [ "$dir" != "/" ]; do
  [ -e "$dir/node_modules" ] && fail "$dir/node_modules exists above the install directory: the check would not be clean"
  dir="$(dirname "$dir")"
done

step "build context: git ls-files less .dockerignore → $app"
mkdir -p "$app"
(cd "$repo" && git ls-files -z | node test/deploy/dockerignore.mjs .dockerignore) >"$work/files"
count="$(tr -cd '\0' <"$work/files" | wc -c)"
[ "$count" -gt 0 ] || fail "the build context is empty"
tar -C "$repo" --null -T "$work/files" -cf - | tar -C "$app" -xf -
echo "$count files: $(tr '\0' '\n' <"$work/files" | sed 's#/.*#/#' | sort | uniq -c | awk '{printf "%s %s, ", $2, $1}' | sed 's/, $//')"

step "build stage: npm ci --ignore-scripts && npm run build (in a copy), dist/ copied into $app"
build="$work/build"
mkdir -p "$build"
tar -C "$repo" --null -T "$work/files" -cf - | tar -C "$build" -xf -
(cd "$build" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && npm run build --silent)
cp -R "$build/dist" "$app/dist"
rm -rf "$build"

step "npm ci --omit=dev"
(cd "$app" && NODE_ENV=production npm ci --omit=dev --no-audit --no-fund --loglevel=error)
step "dist/ holds the build of these sources (paperpulse runs it, not the sources through tsx)"
if ! out="$(cd "$app" && node --input-type=module -e '
    const { builtMain } = await import(`${process.cwd()}/adapters/dist.js`);
    const built = builtMain(process.cwd());
    if (!built.main) { console.error(built.reason); process.exit(1); }
    console.log(`dist/${built.fingerprint}`);
  ' 2>&1)"; then
  echo "$out" >&2
  fail "paperpulse would run the sources through tsx, not the build"
fi
echo "ok: $out"
# Which dev dependencies are absent now (one that a production dependency also needs is installed anyway, and then
# this check cannot tell whether we use it: say so).
present="$(cd "$app" && node -e '
  const dev = Object.keys(require("./package.json").devDependencies ?? {});
  const fs = require("node:fs");
  process.stdout.write(dev.filter((d) => fs.existsSync(`node_modules/${d}/package.json`)).join(" "));
')"
if [ -n "$present" ]; then
  echo "note: installed although dev dependencies (a production dependency needs them): $present"
fi

run_env=(env -i "PATH=$PATH" "HOME=$work/home" "TMPDIR=$work/tmp" NODE_ENV=production NO_COLOR=1
  HF_API_URL=http://127.0.0.1:9 HF_TIMEOUT_MS=1000 "PAPERPULSE_DATA_DIR=$work/data")
if [ -n "$database_url" ]; then run_env+=("DATABASE_URL=$database_url"); fi
database_kind="$([ -n "$database_url" ] && echo Postgres || echo 'embedded database')"
mkdir -p "$work/home" "$work/tmp"

step "node adapters/paperpulse.js --help"
if ! out="$(cd "$app" && "${run_env[@]}" timeout 60 node adapters/paperpulse.js --help 2>&1)"; then
  echo "$out" >&2
  fail "--help does not run from a production install"
fi
grep -q '^usage: paperpulse' <<<"$out" || { echo "$out" >&2; fail "--help printed no usage line"; }
echo "ok"

step "every module of src/ and adapters/ loads (adapters/main.ts aside: importing it runs the CLI)"
(cd "$app" && find src adapters -name '*.ts' ! -name '*.d.ts' ! -path adapters/main.ts | sort) >"$work/modules"
if ! out="$(cd "$app" && "${run_env[@]}" timeout 120 node --import tsx --input-type=module -e '
    import { readFileSync } from "node:fs";
    import { pathToFileURL } from "node:url";
    const modules = readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean);
    for (const m of modules) {
      try {
        await import(pathToFileURL(m).href);
      } catch (err) {
        console.error(`${m}: ${err.message}`);
        process.exitCode = 1;
      }
    }
    console.log(`${modules.length} modules`);
  ' "$work/modules" 2>&1)"; then
  echo "$out" >&2
  fail "a module does not load from a production install"
fi
echo "ok: $out"

step "the image's CMD: node adapters/paperpulse.js start (console script, $database_kind, Hugging Face unreachable)"
if ! out="$(cd "$app" && printf '/papers help\n/papers search optimal transport\n' |
  "${run_env[@]}" timeout 180 node adapters/paperpulse.js start 2>&1)"; then
  echo "$out" >&2
  fail "start did not exit 0 at end of input"
fi
grep -q 'so the bundled sample was loaded instead: 215 papers' <<<"$out" || { echo "$out" >&2; fail "the bundled sample was not loaded"; }
grep -q 'huggingface.co/papers/' <<<"$out" || { echo "$out" >&2; fail "the search answered no paper"; }
echo "ok"

if [ "$healthz" = true ]; then
  step "HEALTHCHECK: the Dockerfile's command against the bot on HTTP_PORT"
  healthcheck="$(node -e '
    const text = require("node:fs").readFileSync(process.argv[1], "utf8").replace(/\\\n/g, " ");
    const m = /^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$/m.exec(text);
    if (!m) process.exit(1);
    const argv = JSON.parse(m[1]);
    if (argv[0] !== "node" || argv[1] !== "-e") process.exit(1);
    process.stdout.write(argv[2]);
  ' "$repo/Dockerfile")" || fail "cannot read the HEALTHCHECK command (exec form, node -e …) from the Dockerfile"
  port=18080
  # In a container stdin is empty; the console adapter would end at once, so keep its input open.
  (cd "$app" && tail -f /dev/null | "${run_env[@]}" HTTP_PORT=$port node adapters/paperpulse.js start \
    >"$work/bot.log" 2>&1) &
  bot_pid=$!
  healthy=false
  for _ in $(seq 1 60); do
    if (cd "$app" && "${run_env[@]}" HTTP_PORT=$port node -e "$healthcheck"); then healthy=true; break; fi
    sleep 1
  done
  ready=""
  metrics=""
  if [ "$healthy" = true ]; then
    for _ in $(seq 1 30); do
      ready="$(node -e 'fetch(process.argv[1]).then(async (r) => { process.stdout.write(`${r.status} ${await r.text()}`); })' \
        "http://127.0.0.1:$port/readyz" 2>&1 || true)"
      case "$ready" in 200*) break ;; esac
      sleep 1
    done
    metrics="$(node -e 'fetch(process.argv[1]).then(async (r) => process.stdout.write(await r.text()))' \
      "http://127.0.0.1:$port/metrics" 2>&1 || true)"
  fi
  pkill -TERM -P "$bot_pid" 2>/dev/null || true
  wait "$bot_pid" 2>/dev/null || true
  bot_pid=""
  [ "$healthy" = true ] || { tail -20 "$work/bot.log" >&2; fail "GET /healthz on HTTP_PORT=$port did not answer 2xx within 60 s"; }
  case "$ready" in 200*) ;; *) echo "$ready" >&2; tail -20 "$work/bot.log" >&2; fail "GET /readyz did not answer 200 within 30 s" ;; esac
  grep -q '^process_resident_memory_bytes ' <<<"$metrics" || { echo "$metrics" | head -20 >&2; fail "GET /metrics has no process memory"; }
  grep -q '^paperpulse_last_successful_ingest_timestamp_seconds ' <<<"$metrics" || { echo "$metrics" | head -20 >&2; fail "GET /metrics has no paperpulse_ metrics"; }
  echo "ok: /healthz, /readyz ($(head -1 <<<"${ready#200 }")), /metrics"
fi

echo "PASS: production install (npm ci --omit=dev) runs"
