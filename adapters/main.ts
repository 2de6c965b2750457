/**
 * The `paperpulse` command line: the core's commands and the platforms' own, over the built-in platform registry.
 */
import { coreCliCommands, packageVersion, runCli } from '../src/index.js';
import { builtinPlatforms, platformCliCommands } from './registry.js';
import { readDotEnv } from './shared/dot-env.js';

process.exitCode = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: readDotEnv(process.env) },
  {
    commands: [...coreCliCommands, ...platformCliCommands],
    platforms: builtinPlatforms(),
    version: packageVersion(),
    // This process runs one command: V8 settings for it are this process's alone.
    tuneRuntime: true,
  },
);
