import { channelFeedPath, feedUrl } from '../feeds/links.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { CommandDefinition } from './definition.js';

/**
 * `/papers feed [reset]`: the channel's private feed URL (what its digests posted, as Atom and JSON Feed), from a
 * random token stored with the channel; `reset` replaces the token, so the old URL answers 404 at once. Managers
 * only, and always answered to the caller alone: the URL is the only key to the feed.
 */
export const feed: CommandDefinition = {
  name: 'feed',
  description: "This channel's private feed of what its digests posted (Atom, JSON Feed); reset revokes the link",
  usage: '/papers feed [reset]',
  options: [
    {
      name: 'action',
      type: 'string',
      description: 'reset: stop the current link and make a new one',
      choices: ['reset'],
    },
  ],
  managerOnly: () => true,
  async execute({ args, invocation, services, now }) {
    const reset = args.action === 'reset';
    const token = reset
      ? await services.channelFeeds.resetToken(invocation.channel, now)
      : await services.channelFeeds.tokenFor(invocation.channel, now);
    const path = channelFeedPath(token);
    const atom = feedUrl(services.publicUrl, `${path}.atom`);
    const json = feedUrl(services.publicUrl, `${path}.json`);
    const blocks: Block[] = [{ type: 'heading', text: "This channel's feed" }];
    if (reset)
      blocks.push({ type: 'note', tone: 'info', text: 'The previous link no longer works; this is the new one.' });
    blocks.push({ type: 'text', text: `Atom: ${atom}\nJSON Feed: ${json}` });
    if (!services.publicUrl) {
      blocks.push({
        type: 'note',
        tone: 'info',
        text: "PUBLIC_URL is not set, so these are paths on PaperPulse's HTTP server; whoever runs it can set PUBLIC_URL to show full links.",
      });
    }
    blocks.push({
      type: 'text',
      text: "It holds what this channel's digests posted (the latest 50 papers). Anyone with the link can read it: /papers feed reset makes a new link and stops this one.",
    });
    return { message: message(blocks), ephemeral: true, data: { atom, json, reset } };
  },
};
