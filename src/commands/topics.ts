import { LIMITS } from '../domain/channel.js';
import { UserError } from '../errors.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import { type CommandDefinition, never, publicOption } from './definition.js';
import { quote } from './parse.js';

export const topicsCommand: CommandDefinition = {
  name: 'topics',
  description: "List this channel's topic subscriptions, numbered",
  usage: '/papers topics [public]',
  options: [publicOption],
  managerOnly: never,
  async execute({ invocation, services }) {
    const channel = await services.channels.find(invocation.channel);
    const topics = await services.channels.topics(channel.pk);
    const blocks: Block[] = [{ type: 'heading', text: 'Topics of this channel' }];
    if (topics.length === 0) {
      blocks.push({ type: 'text', text: 'No topics yet. A channel manager can add one: /papers subscribe <query>' });
    } else {
      blocks.push({ type: 'text', text: topics.map((t, i) => `${i + 1}. ${t.query}`).join('\n') });
      blocks.push({
        type: 'text',
        text: `Digest papers matching a topic are marked with it${channel.mode === 'topics' ? '; this channel only gets matching papers' : ''}. Remove one with /papers unsubscribe <number or text>.`,
      });
    }
    return message(blocks);
  },
};

export const subscribe: CommandDefinition = {
  name: 'subscribe',
  description: 'Follow a topic in this channel (same syntax as search)',
  usage: '/papers subscribe <topic query>',
  options: [
    {
      name: 'topic',
      type: 'string',
      description: 'A search query, e.g. "graph neural" -survey',
      required: true,
      rest: true,
    },
  ],
  managerOnly: () => true,
  async execute({ args, invocation, services, now }) {
    const query = String(args.topic).replace(/\s+/g, ' ').trim();
    if (query.length > LIMITS.topicLength) {
      throw new UserError(`A topic is at most ${LIMITS.topicLength} characters; that one has ${query.length}.`, {
        usage: subscribe.usage,
      });
    }
    if (!(await services.search.isSearchable(query))) {
      throw new UserError(
        `${quote(query)} has no word to search for (common words like “the” are ignored, and a topic needs more than exclusions); try e.g. “diffusion models”.`,
        { usage: subscribe.usage },
      );
    }
    const channel = await services.channels.find(invocation.channel);
    const existing = await services.channels.topics(channel.pk);
    if (existing.some((t) => t.query.toLowerCase() === query.toLowerCase())) {
      return message([{ type: 'note', tone: 'info', text: `This channel already follows ${quote(query)}.` }]);
    }
    if (existing.length >= LIMITS.topicsPerChannel) {
      throw new UserError(
        `This channel already has ${LIMITS.topicsPerChannel} topics, the most allowed; remove one with /papers unsubscribe first.`,
      );
    }
    const pk = await services.channels.ensure(invocation.channel, now);
    if (!(await services.channels.addTopic(pk, query, invocation.user.id))) {
      return message([{ type: 'note', tone: 'info', text: `This channel already follows ${quote(query)}.` }]);
    }
    const blocks: Block[] = [
      {
        type: 'text',
        text: `Subscribed this channel to ${quote(query)}. Digest papers matching it are marked, and matches outside the top list get a “For your topics” section.`,
      },
    ];
    if (!channel.digestEnabled) {
      blocks.push({
        type: 'note',
        tone: 'info',
        text: 'The daily digest is off here; turn it on with /papers digest on.',
      });
    }
    return message(blocks);
  },
};

export const unsubscribe: CommandDefinition = {
  name: 'unsubscribe',
  description: 'Stop following a topic: its number from /papers topics, or its text',
  usage: '/papers unsubscribe <topic number | topic text>',
  options: [
    {
      name: 'topic',
      type: 'string',
      description: 'The topic, or its number in /papers topics',
      required: true,
      rest: true,
      maxLength: 300,
      autocomplete: true,
    },
  ],
  managerOnly: () => true,
  async execute({ args, invocation, services }) {
    const wanted = String(args.topic).replace(/\s+/g, ' ').trim();
    const channel = await services.channels.find(invocation.channel);
    const topics = await services.channels.topics(channel.pk);
    const byNumber = /^#?\d{1,3}$/.test(wanted) ? topics[Number(wanted.replace('#', '')) - 1] : undefined;
    const topic = byNumber ?? topics.find((t) => t.query.toLowerCase() === wanted.toLowerCase());
    if (!topic) {
      throw new UserError(
        topics.length === 0
          ? 'This channel follows no topics.'
          : `This channel has no topic ${quote(wanted)}; /papers topics lists them with their numbers.`,
        { usage: unsubscribe.usage },
      );
    }
    await services.channels.removeTopic(topic.id);
    return message([{ type: 'text', text: `Unsubscribed this channel from ${quote(topic.query)}.` }]);
  },
};
