/**
 * `.env` in the working directory, read the way dotenv and Node's --env-file read it: the environment wins over the
 * file, so `DISCORD_TOKEN=… npm start` overrides a token in .env. No file, no change.
 */
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export function readDotEnv(env: NodeJS.ProcessEnv, path = '.env'): Readonly<Record<string, string | undefined>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return env;
  }
  return { ...parseEnv(text), ...env };
}
