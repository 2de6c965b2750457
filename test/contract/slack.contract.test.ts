import { builtinPlatforms } from '../../adapters/registry.js';
import type { SlackAdapterConfig } from '../../adapters/slack/config.js';
import type { SlackPlatform } from '../../adapters/slack/platform.js';
import { address, FAKE_TIMING, fakeOptions, SECRET, TEAM, TOKEN } from '../adapters/slack/setup.js';
import { FakeSlack, messageText } from '../support/fake-slack.js';
import { describeChatPlatformContract } from './chat-platform.contract.js';

/**
 * The Slack adapter through the contract: the real Bolt app over signed HTTP on 127.0.0.1 and its Web API clients
 * against the fake Slack, with Slack's pacing scaled down.
 */
describeChatPlatformContract('slack', async () => {
  const fake = await new FakeSlack(FAKE_TIMING).start();
  fake.addWorkspace({ teamId: TEAM, botToken: TOKEN, admins: ['UADMIN'] });
  fake.setChannelError('CGONE', 'channel_not_found');
  let platform: SlackPlatform | undefined;
  return {
    name: 'slack',
    registry: builtinPlatforms(),
    env: { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET },
    withOptions: (config) => ({ ...(config as SlackAdapterConfig), options: fakeOptions(fake) }),
    channel: { platform: 'slack', address: address('CCONTRACT') },
    goneChannel: { platform: 'slack', address: address('CGONE') },
    async ready(context) {
      platform = context.platform as SlackPlatform;
    },
    users: { manager: 'UADMIN', member: 'UMEMBER' },
    async press(action, options) {
      const sent = await fake.pressButton(
        `http://127.0.0.1:${platform!.port}/slack/events`,
        SECRET,
        { action_id: 'button', value: action.id },
        { user: options?.manager === false ? 'UMEMBER' : 'UADMIN', channel: 'CCONTRACT', team: TEAM },
      );
      if (sent.status !== 200) throw new Error(`the app answered ${sent.status}`);
      await fake.waitFor(() => fake.responsesTo(sent.responseId).length > 0);
      return fake
        .responsesTo(sent.responseId)
        .map((r) => messageText(r.body))
        .join('\n');
    },
    async command(command, text, options) {
      const sent = await fake.slashCommand(`http://127.0.0.1:${platform!.port}/slack/events`, SECRET, {
        text: `${command} ${text}`,
        user: options?.manager === false ? 'UMEMBER' : 'UADMIN',
        channel: 'CCONTRACT',
        team: TEAM,
      });
      if (sent.status !== 200) throw new Error(`the app answered ${sent.status}`);
      await fake.waitFor(() => fake.responsesTo(sent.responseId).length > 0);
      return fake
        .responsesTo(sent.responseId)
        .map((r) => messageText(r.body))
        .join('\n');
    },
    async posted() {
      return fake
        .postsTo('CCONTRACT')
        .map((m) => ({ id: m.ts, text: messageText(m), ...(m.threadTs ? { threadOf: m.threadTs } : {}) }));
    },
    async close() {
      await fake.stop();
    },
  };
});
