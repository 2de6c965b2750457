/**
 * The Slack adapter's configuration, read from the environment once (house style: no process.env elsewhere).
 */
import { z } from 'zod';
import { BotError, configError, type Env } from '../../src/index.js';
import type { SlackPacing } from './pacer.js';

/** How Slack reaches the bot: a WebSocket the bot opens (Socket Mode), or HTTP requests to a public URL. */
export type SlackTransport =
  | { readonly kind: 'socket'; readonly appToken: string }
  | { readonly kind: 'http'; readonly signingSecret: string };

/** Where the bot token comes from: one workspace's token, or each workspace's OAuth installation. */
export type SlackAuth =
  | { readonly kind: 'token'; readonly botToken: string }
  | {
      readonly kind: 'oauth';
      readonly clientId: string;
      readonly clientSecret: string;
      readonly stateSecret: string;
      /** Needed when the app has more than one redirect URL. */
      readonly redirectUri: string | undefined;
    };

export interface SlackAdapterConfig {
  readonly transport: SlackTransport;
  readonly auth: SlackAuth;
  /** HTTP mode: the port Slack's requests arrive on. Socket Mode with OAuth: the port of the install pages. */
  readonly port: number;
  /** Users who may change channel settings besides workspace admins and owners. */
  readonly managerIds: readonly string[];
  /** The Web API base URL (tests and proxies); Slack's own when unset. */
  readonly apiUrl: string | undefined;
  /** Not from the environment: knobs for tests and benchmarks (a fake Slack's URL, faster pacing…). */
  readonly options?: SlackAdapterOptions | undefined;
}

/** Every variable this adapter reads (for .env.example and error messages). */
export const SLACK_VARIABLES = [
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_PORT',
  'SLACK_CLIENT_ID',
  'SLACK_CLIENT_SECRET',
  'SLACK_STATE_SECRET',
  'SLACK_REDIRECT_URI',
  'SLACK_MANAGER_IDS',
  'SLACK_API_URL',
] as const;

const blankIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const trimmed = (value: unknown) => (typeof value === 'string' ? blankIsUnset(value.trim()) : value);

const secret = (what: string) =>
  z.preprocess(trimmed, z.string().regex(/^\S+$/, `must be the ${what} with no spaces`).optional());

const schema = z.object({
  SLACK_BOT_TOKEN: z.preprocess(
    trimmed,
    z
      .string()
      .regex(
        /^(xoxe\.)?xoxb-\S+$/,
        'must be a bot token starting with xoxb- (OAuth & Permissions → Bot User OAuth Token)',
      )
      .optional(),
  ),
  SLACK_APP_TOKEN: z.preprocess(
    trimmed,
    z
      .string()
      .regex(/^xapp-\S+$/, 'must be an app-level token starting with xapp- (Basic Information → App-Level Tokens)')
      .optional(),
  ),
  SLACK_SIGNING_SECRET: secret('signing secret (Basic Information → Signing Secret)'),
  SLACK_PORT: z.preprocess(
    trimmed,
    z.coerce
      .number({ error: 'must be a port number from 1 to 65535' })
      .int('must be a port number from 1 to 65535')
      .min(1, 'must be a port number from 1 to 65535')
      .max(65_535, 'must be a port number from 1 to 65535')
      .default(3000),
  ),
  SLACK_CLIENT_ID: z.preprocess(
    trimmed,
    z
      .string()
      .regex(/^\d+\.\d+$/, 'must be the Client ID (digits.digits, Basic Information → App Credentials)')
      .optional(),
  ),
  SLACK_CLIENT_SECRET: secret('Client Secret (Basic Information → App Credentials)'),
  SLACK_STATE_SECRET: z.preprocess(
    trimmed,
    z.string().min(16, 'must be a random string of at least 16 characters (it signs the OAuth state)').optional(),
  ),
  SLACK_REDIRECT_URI: z.preprocess(
    trimmed,
    z
      .string()
      .regex(/^https?:\/\/[^\s/]+\/\S*$/, 'must be the full https:// URL of /slack/oauth_redirect')
      .optional(),
  ),
  SLACK_MANAGER_IDS: z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z
      .array(z.string())
      .refine((ids) => ids.every((id) => /^[UW][A-Z0-9]{2,}$/.test(id)), {
        message: 'must be comma-separated Slack user ids such as U012ABCDEF',
      })
      .default([]),
  ),
  SLACK_API_URL: z.preprocess(
    trimmed,
    z
      .string()
      .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL such as https://slack.com/api/')
      .optional(),
  ),
});

const problem = (variable: string, text: string) =>
  new BotError(`invalid configuration: ${variable} ${text}`, 'CONFIG_INVALID');

/**
 * The Slack configuration in `env`, or undefined when no Slack variable is set (the adapter is off).
 * @throws BotError('CONFIG_INVALID') with one line naming the variable at fault (never its value).
 */
export function parseSlackConfig(env: Env): SlackAdapterConfig | undefined {
  if (!SLACK_VARIABLES.some((name) => env[name]?.trim())) return undefined;
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error);
  const c = parsed.data;

  const oauthVars = [c.SLACK_CLIENT_ID, c.SLACK_CLIENT_SECRET, c.SLACK_STATE_SECRET];
  let auth: SlackAuth;
  if (oauthVars.some((v) => v !== undefined)) {
    if (c.SLACK_BOT_TOKEN) {
      throw problem(
        'SLACK_BOT_TOKEN',
        'must not be set together with SLACK_CLIENT_ID: one workspace uses its bot token, several install through OAuth',
      );
    }
    const missing = (['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const).find(
      (_, i) => oauthVars[i] === undefined,
    );
    if (missing) {
      throw problem(
        missing,
        'is required to install to many workspaces (with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)',
      );
    }
    auth = {
      kind: 'oauth',
      clientId: c.SLACK_CLIENT_ID!,
      clientSecret: c.SLACK_CLIENT_SECRET!,
      stateSecret: c.SLACK_STATE_SECRET!,
      redirectUri: c.SLACK_REDIRECT_URI,
    };
  } else if (c.SLACK_BOT_TOKEN) {
    auth = { kind: 'token', botToken: c.SLACK_BOT_TOKEN };
  } else {
    throw problem(
      'SLACK_BOT_TOKEN',
      'is required for Slack (or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET to install to many workspaces)',
    );
  }

  let transport: SlackTransport;
  if (c.SLACK_APP_TOKEN) transport = { kind: 'socket', appToken: c.SLACK_APP_TOKEN };
  else if (c.SLACK_SIGNING_SECRET) transport = { kind: 'http', signingSecret: c.SLACK_SIGNING_SECRET };
  else
    throw problem(
      'SLACK_APP_TOKEN',
      'or SLACK_SIGNING_SECRET is required: SLACK_APP_TOKEN for Socket Mode, SLACK_SIGNING_SECRET for HTTP mode',
    );

  return {
    transport,
    auth,
    port: c.SLACK_PORT,
    managerIds: c.SLACK_MANAGER_IDS,
    apiUrl: c.SLACK_API_URL,
  };
}

/** Not from the environment: what tests and benchmarks set (production leaves it empty). */
export interface SlackAdapterOptions {
  /** Web API base URL (a fake Slack in tests); else SLACK_API_URL, else Slack's. */
  readonly slackApiUrl?: string | undefined;
  /** HTTP port to listen on (0: any free port); default the configured SLACK_PORT. */
  readonly port?: number | undefined;
  /** Interface to listen on; default all. */
  readonly host?: string | undefined;
  readonly pacing?: Partial<SlackPacing> | undefined;
  /** How long a users.info answer (admin/owner) is reused. */
  readonly managerCacheTtlMs?: number | undefined;
  /** How long a fetched installation is reused (default 15 min). */
  readonly installationCacheTtlMs?: number | undefined;
  /**
   * How long Bolt's authorization waits for the database for a workspace not in the cache before the request is
   * acknowledged without it (default 1.5 s; Slack's deadline is 3 s).
   */
  readonly installationLookupTimeoutMs?: number | undefined;
  /**
   * How long an acknowledged command waits for a slow installation lookup before telling the user it could not be
   * answered (default 15 s).
   */
  readonly installationWaitMs?: number | undefined;
  /** How long a Web API call may take before it is abandoned (default 30 s). */
  readonly requestTimeoutMs?: number | undefined;
}
