import { createSlackAdapter } from '../../adapters/slack/index.js';
import { FAKE_TIMING, PACING, SECRET, slackConfig, TEAM, TOKEN } from '../adapters/slack/setup.js';
import { drivers, silentLog } from '../support/databases.js';
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
  // The token mode keeps nothing in the database; the adapter still takes one (the OAuth store needs it).
  const database = await drivers[0]!.open();
  const platform = createSlackAdapter(slackConfig(), silentLog, database, {
    slackApiUrl: fake.apiUrl,
    port: 0,
    host: '127.0.0.1',
    pacing: PACING,
  });
  const channel = { platform: 'slack' as const, channelId: 'CCONTRACT', workspaceId: TEAM };
  return {
    platform,
    channel,
    goneChannel: { platform: 'slack', channelId: 'CGONE', workspaceId: TEAM },
    async command(command, text, options) {
      const sent = await fake.slashCommand(`http://127.0.0.1:${platform.port}/slack/events`, SECRET, {
        text: `${command} ${text}`,
        user: options?.manager === false ? 'UMEMBER' : 'UADMIN',
        channel: channel.channelId,
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
      return fake.postsTo(channel.channelId).map(messageText);
    },
    async close() {
      await database.close();
      await fake.stop();
    },
  };
});
