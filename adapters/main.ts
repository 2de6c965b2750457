/**
 * Composition root: the one module that knows the core and every adapter. `src/` never imports from here.
 */
import { runCli } from '../src/cli/cli.js';
import { paperCommands } from '../src/cli/paper-commands.js';

const commands = [...paperCommands];

const code = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  commands,
);
process.exitCode = code;
