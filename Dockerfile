# syntax=docker/dockerfile:1
#
# PaperPulse: the bot as a container. A build stage compiles the TypeScript sources to dist/ (`npm run build`, with
# the dev dependencies); the runtime stage is the tracked sources (less what .dockerignore leaves out), that build,
# and `npm ci --omit=dev`. `paperpulse` runs the build when it is the build of exactly these sources (it always is
# here: both stages copy the same context), else the sources through tsx, a runtime dependency (adapters/dist.js).
#
#   docker build -t paperpulse .
#   docker run --rm -e DISCORD_TOKEN=… -e DISCORD_APPLICATION_ID=… -e DATABASE_URL=postgres://… paperpulse
#   docker compose up -d          # with Postgres: see compose.yaml
#
# Container images cannot be pulled on the project's machines, so CI runs the same steps without Docker:
# test/deploy/production-install.sh copies the same files into a fresh directory, runs the same `npm ci --omit=dev`
# and starts the same command. Keep the two in step.
#
# Without DATABASE_URL the bot uses the embedded database in PAPERPULSE_DATA_DIR (/data here): mount a volume there
# (`-v paperpulse-data:/data`), or every restart starts from an empty archive. The embedded database is
# single-process: run one container per data volume.

ARG NODE_VERSION=20

# --- base: Node and tini --------------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS base
# tini as PID 1: forwards SIGTERM/SIGINT to node and reaps orphaned children (were the sources run through tsx,
# it would start an esbuild process to compile a file its cache does not hold). Node as PID 1 would get the
# signals too (the bot handles SIGTERM itself) but would not reap orphans. `docker run --init` / compose `init: true` does the same with Docker's own
# tini; do not use both.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# --- build: dist/<fingerprint>/, plain JavaScript ------------------------------------------------------------------
FROM base AS build
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" (the build) needs the sources, copied next.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# --- runtime ----------------------------------------------------------------------------------------------------
FROM base AS runtime
ENV NODE_ENV=production \
    PAPERPULSE_DATA_DIR=/data \
    HTTP_PORT=8080
# Dependencies first, so a source change does not reinstall them. Production dependencies only: tsx is one.
# "prepare" runs adapters/build.js, which finds no TypeScript here and only says so: the build comes from the build
# stage.
COPY package.json package-lock.json ./
COPY adapters/build.js adapters/dist.js ./adapters/
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
# The sources, migrations and the bundled sample (loaded on a first start without Hugging Face), and the build,
# owned by root and read-only for the bot.
COPY . .
COPY --from=build /app/dist ./dist
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
# The bot's HTTP server answers GET /healthz on HTTP_PORT. The start-up migrates the database and, on an empty
# archive, fetches the last 7 days from Hugging Face first: hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# node directly, not `npm start`: npm would sit between tini and node and not pass SIGTERM on reliably.
CMD ["node", "adapters/paperpulse.js", "start"]
