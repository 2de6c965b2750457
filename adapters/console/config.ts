/** The console adapter's configuration: who sits at the terminal. */
import type { Env } from '../../src/index.js';

export interface ConsoleAdapterConfig {
  /** The name answers are addressed to ($USER, else "you"). */
  readonly userName: string;
  /** Whether that person manages the console's channel: true in use; tests also run it as a plain member. */
  readonly manager: boolean;
  /** The environment's word on colour (NO_COLOR, FORCE_COLOR, TERM); applied when output is a terminal. */
  readonly colorEnv: Env;
  /** Where `/papers saved export` writes its file: PAPERPULSE_EXPORT_DIR, else the working directory. */
  readonly exportDir?: string | undefined;
}

/** The console needs no variables: it is what runs when no chat platform is configured. */
export function parseConsoleConfig(env: Env): ConsoleAdapterConfig {
  return {
    userName: env.USER?.trim() || 'you',
    manager: true,
    colorEnv: { NO_COLOR: env.NO_COLOR, FORCE_COLOR: env.FORCE_COLOR, TERM: env.TERM },
    exportDir: env.PAPERPULSE_EXPORT_DIR?.trim() || undefined,
  };
}
