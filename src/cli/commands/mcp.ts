/** `paperpulse mcp`: the Model Context Protocol server over stdio (src/mcp/). */
import { type CliCommand, EXIT, intOption } from '../cli.js';

const RELEASE = { min: 1, max: 86_400, default: 30 };

export const mcpCommand: CliCommand = {
  name: 'mcp',
  summary: 'Serve the archive to AI agents: a read-only Model Context Protocol server over stdio',
  usage: 'paperpulse mcp [--release-after SECONDS]',
  details:
    'Tools: search_papers, get_paper, trending. stdout is the protocol; logs go to stderr.\n' +
    'Embedded database: opened at the first tool call and closed after --release-after seconds without calls\n' +
    '(default 30), so the bot can start meanwhile; while the bot runs, tool calls answer that the database is in use.\n' +
    'Postgres (DATABASE_URL): any number of MCP servers and bots at once.',
  options: { 'release-after': { type: 'string' } },
  validate(args) {
    intOption(args.values, 'release-after', RELEASE);
  },
  async run(ctx) {
    const { serveMcp } = await import('../../mcp/server.js');
    await serveMcp({
      io: ctx.io,
      config: ctx.config,
      log: ctx.log,
      releaseAfterMs: intOption(ctx.args.values, 'release-after', RELEASE) * 1000,
    });
    return EXIT.ok;
  },
};
