import { suggestTimeZones } from '../domain/schedule.js';
import type { AutocompleteRequest, Choice } from '../ports/commands.js';
import type { CoreServices } from './definition.js';

/** Fixed values of the digest settings that have them. */
const VALUES: Record<string, readonly string[]> = {
  days: ['weekdays', 'daily'],
  mode: ['all', 'topics'],
  weekly: ['on', 'off'],
  thread: ['on', 'off'],
  alerts: ['on', 'off', 'hours 08-20', 'hours off'],
  followups: ['on', 'off'],
  time: ['07:00', '08:00', '09:00', '10:00', '12:00', '17:00'],
  size: ['3', '5', '10', '15', '25'],
};

const clip = (text: string) => (text.length > 100 ? `${text.slice(0, 99)}…` : text);

/**
 * Suggestions for `unsubscribe topic` (this channel's topics) and `digest value` when the setting is a time zone
 * (IANA zones). At most 25, cheap enough to answer well inside Discord's 3 seconds.
 */
export async function autocompleteOption(request: AutocompleteRequest, services: CoreServices): Promise<Choice[]> {
  const partial = request.partial.trim().toLowerCase();
  if (request.command === 'unsubscribe' && request.option === 'topic') {
    const channel = await services.channels.find(request.channel);
    const topics = await services.channels.topics(channel.pk);
    return topics
      .map((t, i) => ({ topic: t, number: i + 1 }))
      .filter(
        ({ topic, number }) => !partial || topic.query.toLowerCase().includes(partial) || String(number) === partial,
      )
      .slice(0, 25)
      .map(({ topic, number }) => ({
        name: clip(`${number}. ${topic.query}`),
        value: topic.query.length <= 100 ? topic.query : String(number),
      }));
  }
  if (request.command === 'digest' && request.option === 'value') {
    const setting = String(request.values?.setting ?? '').toLowerCase();
    if (setting === 'timezone') return suggestTimeZones(partial, 25).map((zone) => ({ name: zone, value: zone }));
    const fixed = VALUES[setting] ?? [];
    return fixed.filter((v) => v.startsWith(partial)).map((v) => ({ name: v, value: v }));
  }
  return [];
}
