import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildManifest, slackManifestCommand, toYaml, usageHint } from '../../../adapters/slack/manifest.js';
import { createPapersCommands, createPlatformRegistry, runCli } from '../../../src/index.js';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    args,
    {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      stdin: new PassThrough(),
      env: {},
    },
    { commands: [slackManifestCommand], platforms: createPlatformRegistry(), version: 'test' },
  );
  return { code, stdout, stderr };
}

describe('the usage hint', () => {
  it('is the whole list when it fits in 100 characters, else whole names and a pointer to help', () => {
    expect(usageHint(['help', 'search'])).toBe('help | search');
    const long = Array.from({ length: 30 }, (_, i) => `command${i}`);
    const hint = usageHint(long);
    expect(hint.length).toBeLessThanOrEqual(100);
    expect(hint.endsWith(' | … (help for all)')).toBe(true);
    for (const part of hint.replace(' | … (help for all)', '').split(' | ')) expect(long).toContain(part);
  });
});

describe('paperpulse slack:manifest', () => {
  it('prints a Socket Mode manifest by default: the command, the bot scopes, interactivity, events', async () => {
    const out = await cli(['slack:manifest']);
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const names = createPapersCommands().list.map((c) => c.name);
    expect(JSON.parse(out.stdout)).toEqual({
      display_information: {
        name: 'PaperPulse',
        description: 'Hugging Face Daily Papers in Slack: trending digests, search and topic subscriptions.',
        background_color: '#1a1d21',
      },
      features: {
        bot_user: { display_name: 'PaperPulse', always_online: true },
        slash_commands: [
          {
            command: '/papers',
            description: 'Hugging Face Daily Papers: trending, search, topics and the daily digest',
            // Slack's usage hint is cut at 100 characters: the commands, as many as fit.
            usage_hint: 'help | trending | rising | search | paper | similar | topics | subscribe | … (help for all)',
            should_escape: false,
          },
        ],
      },
      oauth_config: {
        scopes: {
          bot: [
            'commands',
            'chat:write',
            'chat:write.public',
            'users:read',
            'channels:history',
            'groups:history',
            'files:write',
            'im:write',
          ],
        },
      },
      settings: {
        event_subscriptions: { bot_events: ['app_uninstalled', 'tokens_revoked'] },
        interactivity: { is_enabled: true },
        org_deploy_enabled: false,
        socket_mode_enabled: true,
        token_rotation_enabled: false,
      },
    });
    expect(names).toEqual(expect.arrayContaining(['help', 'trending', 'search', 'paper', 'subscribe', 'digest']));
  });

  it('points every request URL at /slack/events in HTTP mode, and adds the OAuth redirect URL', async () => {
    const out = await cli(['slack:manifest', '--http', 'https://pp.example.com/', '--oauth', '--command', '/arxiv']);
    expect(out.code).toBe(0);
    const m = JSON.parse(out.stdout);
    expect(m.features.slash_commands[0]).toMatchObject({
      command: '/arxiv',
      url: 'https://pp.example.com/slack/events',
    });
    expect(m.settings).toMatchObject({
      event_subscriptions: { request_url: 'https://pp.example.com/slack/events' },
      interactivity: { is_enabled: true, request_url: 'https://pp.example.com/slack/events' },
      socket_mode_enabled: false,
    });
    expect(m.oauth_config.redirect_urls).toEqual(['https://pp.example.com/slack/oauth_redirect']);
  });

  it('prints YAML on request', async () => {
    const out = await cli(['slack:manifest', '--yaml', '--name', 'Papers Bot']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('display_information:\n  name: "Papers Bot"\n');
    expect(out.stdout).toContain('  slash_commands:\n    - command: "/papers"\n      description: ');
    expect(out.stdout).toContain('    bot:\n      - "commands"\n      - "chat:write"\n');
    expect(out.stdout).toContain('  socket_mode_enabled: true\n');
  });

  it('writes maps, lists of maps and empty lists as YAML blocks, strings double-quoted', () => {
    expect(toYaml({ a: [], b: { c: [{ d: 1, e: 'x: y' }, 'z'] }, f: true })).toBe(
      'a: []\nb:\n  c:\n    - d: 1\n      e: "x: y"\n    - "z"\nf: true',
    );
    const manifest = buildManifest({ name: 'P', command: '/papers', mode: { kind: 'socket' }, commands: [] });
    expect(toYaml(manifest)).toContain('oauth_config:\n  scopes:\n    bot:\n      - "commands"');
  });

  it('refuses contradictory or incomplete flags with the usage line (exit 2)', async () => {
    const both = await cli(['slack:manifest', '--socket-mode', '--http', 'https://x.example']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^paperpulse slack:manifest: --socket-mode and --http exclude each other\nusage: /);
    const oauth = await cli(['slack:manifest', '--oauth']);
    expect(oauth.code).toBe(2);
    expect(oauth.stderr).toContain('--oauth needs the public URL of /slack/oauth_redirect');
    expect((await cli(['slack:manifest', '--http', 'localhost'])).code).toBe(2);
    expect((await cli(['slack:manifest', '--command', 'papers'])).code).toBe(2);
  });
});
