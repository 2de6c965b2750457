/**
 * `paperpulse slack:manifest`: the Slack app manifest to paste into api.slack.com/apps → Create New App → From a
 * manifest. Generated from the command registry, so the usage hint never drifts from the commands.
 */
import {
  type CliCommand,
  type CommandSpec,
  createPapersCommands,
  EXIT,
  stringOption,
  UsageError,
} from '../../src/index.js';

/**
 * The bot scopes PaperPulse uses, and why:
 * - `commands`: the /papers slash command;
 * - `chat:write`: digests (chat.postMessage) in channels the app is in;
 * - `chat:write.public`: digests in public channels nobody invited the app to (slash commands work there, so a
 *   digest switched on there would otherwise fail with not_in_channel);
 * - `users:read`: users.info, to tell workspace admins and owners (channel managers) from other members;
 * - `channels:history`, `groups:history`: conversations.history and conversations.replies in public and private
 *   channels, to read back a digest interrupted by a crash or a lost answer before posting its parts again
 *   (read-back.ts); without them such a part may be posted twice.
 * - `files:write` and `im:write`: `/papers saved export` too long for a message is uploaded as papers.bib into the
 *   caller's direct message with the app (conversations.open), so nobody else sees the list.
 * Replies to commands and buttons go through response_url, which needs no scope; so do the app_uninstalled and
 * tokens_revoked events.
 */
export const BOT_SCOPES = [
  'commands',
  'chat:write',
  'chat:write.public',
  'users:read',
  'channels:history',
  'groups:history',
  'files:write',
  'im:write',
] as const;

/** Events the app subscribes to: an uninstall or a revoked token deletes the workspace's installation. */
export const BOT_EVENTS = ['app_uninstalled', 'tokens_revoked'] as const;

export interface ManifestOptions {
  /** The app's name in Slack (also the bot's display name). */
  readonly name: string;
  /** The slash command, with its slash. */
  readonly command: string;
  /** Socket Mode, or HTTP mode with the public base URL Slack sends requests to. */
  readonly mode: { readonly kind: 'socket' } | { readonly kind: 'http'; readonly baseUrl: string };
  /** Installing to many workspaces: the public base URL of /slack/oauth_redirect (HTTP mode: the same base URL). */
  readonly oauthBaseUrl?: string | undefined;
  readonly commands: readonly CommandSpec[];
}

/** Slack shows at most 100 characters of a command's usage hint. */
const USAGE_HINT_MAX = 100;

/**
 * The usage hint: whole subcommand names in the help order, as many as fit in Slack's 100 characters with room for
 * a closing "help for all" (never a name cut in the middle).
 */
export function usageHint(names: readonly string[]): string {
  const all = names.join(' | ');
  if (all.length <= USAGE_HINT_MAX) return all;
  const tail = ' | … (help for all)';
  let hint = '';
  for (const name of names) {
    const next = hint ? `${hint} | ${name}` : name;
    if (next.length + tail.length > USAGE_HINT_MAX) break;
    hint = next;
  }
  return `${hint}${tail}`;
}

/** The manifest as a plain object (JSON-ready). */
export function buildManifest(options: ManifestOptions): Record<string, unknown> {
  const events = options.mode.kind === 'http' ? `${trimSlash(options.mode.baseUrl)}/slack/events` : undefined;
  const withUrl = (o: Record<string, unknown>) => (events ? { ...o, url: events } : o);
  const names = options.commands.map((c) => c.name);
  return {
    display_information: {
      name: options.name,
      description: 'Hugging Face Daily Papers in Slack: trending digests, search and topic subscriptions.',
      background_color: '#1a1d21',
    },
    features: {
      bot_user: { display_name: options.name, always_online: true },
      slash_commands: [
        withUrl({
          command: options.command,
          description: 'Hugging Face Daily Papers: trending, search, topics and the daily digest',
          usage_hint: usageHint(names),
          should_escape: false,
        }),
      ],
    },
    oauth_config: {
      ...(options.oauthBaseUrl ? { redirect_urls: [`${trimSlash(options.oauthBaseUrl)}/slack/oauth_redirect`] } : {}),
      scopes: { bot: [...BOT_SCOPES] },
    },
    settings: {
      event_subscriptions: { ...(events ? { request_url: events } : {}), bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...(events ? { request_url: events } : {}) },
      org_deploy_enabled: false,
      socket_mode_enabled: options.mode.kind === 'socket',
      token_rotation_enabled: false,
    },
  };
}

/** A small YAML writer for the manifest's shape (maps, lists, strings, booleans, numbers). */
export function toYaml(value: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    return value
      .map((item) => {
        if (isObject(item)) {
          const [first, ...rest] = toYaml(item, indent + 2).split('\n');
          return [`${pad}- ${first!.trimStart()}`, ...rest].join('\n');
        }
        return `${pad}- ${scalar(item)}`;
      })
      .join('\n');
  }
  if (isObject(value)) {
    return Object.entries(value)
      .map(([key, v]) => {
        if (Array.isArray(v)) return v.length ? `${pad}${key}:\n${toYaml(v, indent + 2)}` : `${pad}${key}: []`;
        if (isObject(v)) return `${pad}${key}:\n${toYaml(v, indent + 2)}`;
        return `${pad}${key}: ${scalar(v)}`;
      })
      .join('\n');
  }
  return `${pad}${scalar(value)}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// A JSON string is a valid YAML double-quoted scalar.
const scalar = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const trimSlash = (url: string) => url.replace(/\/+$/, '');

const isPublicUrl = (url: string) => /^https?:\/\/[^\s/]+(\/\S*)?$/.test(url);

/** `paperpulse slack:manifest`. */
export const slackManifestCommand: CliCommand = {
  name: 'slack:manifest',
  summary: 'Print the Slack app manifest (slash command, scopes, interactivity, Socket Mode or HTTP)',
  usage:
    'paperpulse slack:manifest [--socket-mode | --http <public URL>] [--oauth [--public-url <URL>]] [--name <app name>] [--command /papers] [--yaml]',
  details:
    'Paste the output into https://api.slack.com/apps → Create New App → From a manifest.\n' +
    '  --socket-mode    (default) Slack connects over a WebSocket: no public URL; needs SLACK_APP_TOKEN.\n' +
    '  --http <URL>     Slack sends requests to <URL>/slack/events; needs SLACK_SIGNING_SECRET.\n' +
    '  --oauth          install to many workspaces: adds the redirect URL <URL>/slack/oauth_redirect, where <URL>\n' +
    '                   is --public-url, else the --http URL.\n' +
    '  --yaml           YAML instead of JSON.',
  options: {
    'socket-mode': { type: 'boolean' },
    http: { type: 'string' },
    oauth: { type: 'boolean' },
    'public-url': { type: 'string' },
    name: { type: 'string' },
    command: { type: 'string' },
    yaml: { type: 'boolean' },
  },
  async run(ctx) {
    const values = ctx.args.values;
    const http = stringOption(values, 'http');
    if (http !== undefined && values['socket-mode'] === true) {
      throw new UsageError('--socket-mode and --http exclude each other');
    }
    if (http !== undefined && !isPublicUrl(http)) {
      throw new UsageError(`--http must be the app's public URL, e.g. https://paperpulse.example.com, not "${http}"`);
    }
    const publicUrl = stringOption(values, 'public-url') ?? http;
    if (publicUrl !== undefined && !isPublicUrl(publicUrl)) {
      throw new UsageError(`--public-url must be an http(s) URL, not "${publicUrl}"`);
    }
    if (values.oauth === true && publicUrl === undefined) {
      throw new UsageError(
        '--oauth needs the public URL of /slack/oauth_redirect: give --http <URL> or --public-url <URL>',
      );
    }
    const command = stringOption(values, 'command') ?? '/papers';
    if (!/^\/[a-z0-9_-]{1,31}$/.test(command)) {
      throw new UsageError(`--command must be a slash command such as /papers, not "${command}"`);
    }
    const name = stringOption(values, 'name') ?? 'PaperPulse';
    if (!name.trim() || name.length > 35) throw new UsageError('--name must be 1 to 35 characters');
    const manifest = buildManifest({
      name,
      command,
      mode: http !== undefined ? { kind: 'http', baseUrl: http } : { kind: 'socket' },
      oauthBaseUrl: values.oauth === true ? publicUrl : undefined,
      commands: createPapersCommands().list,
    });
    ctx.io.stdout.write(values.yaml === true ? `${toYaml(manifest)}\n` : `${JSON.stringify(manifest, null, 2)}\n`);
    return EXIT.ok;
  },
};
