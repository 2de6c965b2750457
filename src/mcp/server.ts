/**
 * `paperpulse mcp`: a Model Context Protocol server over stdio, read-only, whose tools (tools.ts) run the chat's
 * read commands through the command dispatcher. stdout carries the protocol only; logs go to stderr.
 *
 * The database is opened at the first tool call. On the embedded database (PGlite, one process at a time) it is
 * closed again after `releaseAfterMs` without calls, so an idle MCP server never keeps the bot from starting; while
 * another process (the bot) holds it, tool calls answer with an error saying so. On Postgres it stays open, and any
 * number of MCP servers and bots share it.
 */
import type { Readable, Writable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { App } from '../app.js';
import type { CliIo } from '../cli/cli.js';
import type { CoreConfig } from '../config.js';
import { BotError, describeError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OutgoingMessage, PaperBlock } from '../messages/model.js';
import { toPlainText } from '../messages/plain-text.js';
import { packageVersion } from '../paths.js';
import type { CommandDispatcher, CommandResult, OptionValue } from '../ports/commands.js';
import type { PlatformTraits } from '../ports/platform.js';
import { MCP_TOOLS, type McpTool } from './tools.js';

/** MCP as a "platform" of the dispatcher: no buttons (nothing stored for a "More"), no managers. */
const MCP_PLATFORM = {
  name: 'mcp',
  traits: { managers: 'nobody (the MCP server is read-only)', buttonTtlMs: 0, threads: false } satisfies PlatformTraits,
} as const;

/** Runs commands on the database, opening it when needed and (PGlite) closing it when idle. */
export class DatabaseSession {
  private opened: Promise<{ app: App; dispatcher: CommandDispatcher }> | undefined;
  private closing: Promise<void> | undefined;
  private active = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly open: () => Promise<App>;
  private readonly config: CoreConfig;
  private readonly releaseAfterMs: number | undefined;

  /** `releaseAfterMs`: close after this long without calls (undefined: stay open). */
  constructor(open: () => Promise<App>, config: CoreConfig, releaseAfterMs: number | undefined) {
    this.open = open;
    this.config = config;
    this.releaseAfterMs = releaseAfterMs;
  }

  async run(command: string, values: Record<string, OptionValue | undefined>): Promise<CommandResult> {
    this.active++;
    clearTimeout(this.timer);
    try {
      const { dispatcher } = await this.ensureOpen();
      return await dispatcher.dispatch({
        input: {
          kind: 'options',
          command,
          values: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
        },
        channel: { platform: MCP_PLATFORM.name, address: 'local' },
        user: { id: 'mcp', displayName: 'MCP client' },
        isManager: async () => false,
      });
    } finally {
      this.active--;
      if (this.active === 0 && this.releaseAfterMs !== undefined && this.opened) {
        this.timer = setTimeout(() => void this.release(), this.releaseAfterMs);
      }
    }
  }

  /** Closes the database (the next call opens it again). */
  async release(): Promise<void> {
    clearTimeout(this.timer);
    const opened = this.opened;
    if (!opened || this.active > 0) return;
    this.opened = undefined;
    this.closing = opened.then(
      ({ app }) => app.close(),
      () => {},
    );
    await this.closing;
    this.closing = undefined;
  }

  private async ensureOpen(): Promise<{ app: App; dispatcher: CommandDispatcher }> {
    await this.closing;
    this.opened ??= this.open().then(
      (app) => ({ app, dispatcher: app.dispatcher([MCP_PLATFORM]) }),
      (err: unknown) => {
        this.opened = undefined;
        throw this.explain(err);
      },
    );
    return this.opened;
  }

  /** The embedded database's lock, in words an MCP user can act on. */
  private explain(err: unknown): unknown {
    if (!(err instanceof BotError) || err.code !== 'DATA_DIR_LOCKED') return err;
    const pid = /\(pid (\d+)\)/.exec(err.message)?.[1];
    return new BotError(
      `The embedded database in ${this.config.dataDir} is in use by another PaperPulse process${pid ? ` (pid ${pid})` : ''}, ` +
        'probably the bot: the embedded database allows one process at a time, so the MCP server can read it only ' +
        'while the bot is stopped. To use both at once, run them on Postgres (set DATABASE_URL for both).',
      'DATA_DIR_LOCKED',
      { cause: err },
    );
  }
}

/** The MCP server with every tool of MCP_TOOLS on this session. */
export function createMcpServer(session: Pick<DatabaseSession, 'run'>, log: Logger): McpServer {
  const server = new McpServer(
    { name: 'paperpulse', title: 'PaperPulse', version: packageVersion() },
    {
      instructions:
        'Read-only access to an archive of Hugging Face Daily Papers: search it, look up a paper, see what is trending.',
    },
  );
  for (const tool of MCP_TOOLS) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        outputSchema: tool.output,
        annotations: { title: tool.title, readOnlyHint: true, openWorldHint: tool.name === 'get_paper' },
      },
      (args: Record<string, unknown>) => callTool(session, tool, args, log),
    );
  }
  return server;
}

async function callTool(
  session: Pick<DatabaseSession, 'run'>,
  tool: McpTool,
  args: Record<string, unknown>,
  log: Logger,
): Promise<CallToolResult> {
  let result: CommandResult;
  try {
    result = await session.run(tool.command, tool.values(args));
  } catch (err) {
    if (!(err instanceof BotError)) log.error({ err, tool: tool.name }, 'tool failed');
    return toolError(describeError(err));
  }
  if (!result.ok) return toolError(result.error?.message ?? result.message.text);
  return {
    content: [{ type: 'text', text: shortText(result.message) }],
    structuredContent: result.data as Record<string, unknown>,
  };
}

function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** A short rendering: one paper in full, several as one line each, with the answer's headings and notes. */
export function shortText(message: OutgoingMessage): string {
  const cards = message.blocks.filter((b): b is PaperBlock => b.type === 'paper');
  if (cards.length <= 1) return toPlainText(message.blocks);
  return message.blocks
    .flatMap((b) => {
      if (b.type === 'paper') {
        return [`${b.position ?? '-'}. ${b.title} — ▲ ${b.upvotes}${b.github ? ' · code' : ''} · ${b.id} · ${b.url}`];
      }
      if (b.type === 'divider') return [];
      return [b.text];
    })
    .join('\n');
}

/** Serves MCP on the CLI's stdin/stdout until stdin ends or the process is told to stop. */
export async function serveMcp(options: {
  readonly io: CliIo;
  readonly config: CoreConfig;
  readonly log: Logger;
  readonly releaseAfterMs: number;
}): Promise<void> {
  const { io, config, log } = options;
  const { openApp } = await import('../app.js');
  const session = new DatabaseSession(
    () => openApp({ config, log }),
    config,
    config.databaseUrl ? undefined : options.releaseAfterMs,
  );
  const server = createMcpServer(session, log);
  const transport = new StdioServerTransport(io.stdin as Readable, io.stdout as unknown as Writable);
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  server.server.onclose = stop;
  io.stdin.on('end', stop);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    await server.connect(transport);
    log.info({ database: config.databaseUrl ? 'postgres' : 'pglite', tools: MCP_TOOLS.length }, 'MCP server ready');
    await stopped;
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await server.close().catch(() => {});
    await session.release();
  }
}
