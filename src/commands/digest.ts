import type { Channel, ChannelRef, ChannelSettings } from '../domain/channel.js';
import { formatAlertHours, LIMITS, parseAlertHours } from '../domain/channel.js';
import { formatDay, isIsoDate, isoWeekOf, isoWeekRange, toIsoDate } from '../domain/days.js';
import { STARS_MILESTONE } from '../domain/paper.js';
import { canonicalTimeZone, nextSlot, parsePostTime, suggestTimeZones, wallClock } from '../domain/schedule.js';
import { zonesForAbbreviation } from '../domain/zone-abbreviations.js';
import { UserError } from '../errors.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { CommandInvocation } from '../ports/commands.js';
import type { ComposedDigest } from '../services/digest-service.js';
import { MIN_VOTES } from '../services/taste/taste-service.js';
import { type Args, type CommandDefinition, type CoreServices, publicOption } from './definition.js';
import { quote } from './parse.js';
import { learnedDifference } from './taste-status.js';

const SETTINGS = [
  'on',
  'off',
  'time',
  'timezone',
  'days',
  'size',
  'min-upvotes',
  'mode',
  'weekly',
  'thread',
  'rising',
  'ranking',
  'alerts',
  'followups',
  'preview',
] as const;
type Setting = (typeof SETTINGS)[number];

export const digest: CommandDefinition = {
  name: 'digest',
  description: "Turn this channel's daily digest on or off, change its settings, or preview it",
  usage:
    '/papers digest on|off | time HH:MM | timezone <IANA zone> | days weekdays|daily | size 1-25 | min-upvotes N | mode all|topics | weekly on|off | thread on|off | ranking hf|learned | rising on|off | alerts on|off | alerts hours HH-HH|off | followups on|off | preview [YYYY-MM-DD | week [YYYY-Www]]',
  options: [
    { name: 'setting', type: 'string', description: 'What to change, or preview', required: true, choices: SETTINGS },
    {
      name: 'value',
      type: 'string',
      description: 'The new value (time HH:MM, IANA zone, number…)',
      rest: true,
      maxLength: 100,
      autocomplete: true,
    },
    publicOption,
  ],
  managerOnly: (args: Args) => args.setting !== 'preview',
  async execute({ args, invocation, services, platform, now }) {
    const setting = args.setting as Setting;
    const value = typeof args.value === 'string' ? args.value.trim() : '';
    if (setting === 'preview') return preview(invocation.channel, services, now, value);
    if (setting === 'thread' && value.toLowerCase() === 'on' && !platform.threads) {
      throw new UserError('Threads do not exist here, so the digest always posts directly in the channel.');
    }
    if ((setting === 'on' || setting === 'off') && value) {
      throw new UserError(`digest ${setting} takes no value (got ${quote(value)}).`, { usage: digest.usage });
    }
    const patch = settingPatch(setting, value);
    const before = await services.channels.find(invocation.channel);
    const after = await services.channels.update(invocation.channel, patch, now);
    const blocks: Block[] = [{ type: 'text', text: confirmation(setting, after, now) }];
    if (setting === 'mode' && after.mode === 'topics' && (await services.channels.topics(after.pk)).length === 0) {
      blocks.push({
        type: 'note',
        tone: 'info',
        text: 'This channel has no topics yet, so nothing will be posted until one is added with /papers subscribe.',
      });
    }
    if (setting === 'alerts' && after.alerts && (await services.channels.topics(after.pk)).length === 0) {
      blocks.push({
        type: 'note',
        tone: 'info',
        text: 'This channel has no topics yet, so no alert will be posted until one is added with /papers subscribe or /papers follow.',
      });
    }
    if (setting !== 'on' && setting !== 'off' && setting !== 'alerts' && !after.digestEnabled) {
      blocks.push({
        type: 'note',
        tone: 'info',
        text: 'The digest is off in this channel; /papers digest on starts it.',
      });
    }
    if (setting === 'on' && before.pausedAt) {
      blocks.push({
        type: 'note',
        tone: 'info',
        text: 'It had been paused after repeated delivery failures; that is cleared.',
      });
    }
    const problems = turnsPostingOn(setting, after) ? postingProblems(invocation, after) : undefined;
    if (problems) blocks.push({ type: 'note', tone: 'warning', text: problems });
    return message(blocks);
  },
};

/** Whether this change makes the bot post where it did not before (the digest, or its thread, turned on). */
function turnsPostingOn(setting: Setting, channel: Channel): boolean {
  return (
    (setting === 'on' && channel.digestEnabled) ||
    (setting === 'thread' && channel.thread) ||
    (setting === 'alerts' && channel.alerts === true)
  );
}

/** What the platform says would keep the digest from being posted here, as one sentence; undefined when nothing. */
function postingProblems(invocation: CommandInvocation, channel: Channel): string | undefined {
  const problems = invocation.postingProblems?.({ thread: channel.thread });
  if (!problems || problems.missing.length === 0) return undefined;
  return `I cannot post the digest in this channel yet: I am missing ${problems.missing.join(', ')} here. ${problems.fix}`;
}

function need(value: string, setting: string, example: string): string {
  if (!value)
    throw new UserError(`digest ${setting} needs a value, e.g. /papers digest ${setting} ${example}.`, {
      usage: digest.usage,
    });
  return value;
}

function onOff(value: string, setting: string): boolean {
  const v = need(value, setting, 'on').toLowerCase();
  if (v === 'on') return true;
  if (v === 'off') return false;
  throw new UserError(`digest ${setting} is on or off, not ${quote(value)}.`, { usage: digest.usage });
}

function whole(value: string, setting: string, min: number, max: number, example: string): number {
  const v = need(value, setting, example);
  if (!/^\d{1,7}$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new UserError(`digest ${setting} is a whole number from ${min} to ${max}, not ${quote(v)}.`, {
      usage: digest.usage,
    });
  }
  return Number(v);
}

/** Validates one setting's value and returns the change. */
function settingPatch(
  setting: Exclude<Setting, 'preview'>,
  value: string,
): Partial<ChannelSettings> & { clearPause?: boolean } {
  switch (setting) {
    case 'on':
      return { digestEnabled: true, clearPause: true };
    case 'off':
      return { digestEnabled: false };
    case 'time': {
      const time = parsePostTime(need(value, 'time', '09:00'));
      if (!time)
        throw new UserError(`digest time is a 24-hour time like 09:00 or 17:30, not ${quote(value)}.`, {
          usage: digest.usage,
        });
      return { postTime: time };
    }
    case 'timezone': {
      const meant = zonesForAbbreviation(need(value, 'timezone', 'Europe/Paris'));
      if (meant) {
        throw new UserError(
          `${quote(value.toUpperCase())} is an abbreviation, not a time zone: it does not say where daylight saving applies (and some name several places). Use an IANA name: ${meant.length > 1 ? `${meant.slice(0, -1).join(', ')} or ${meant.at(-1)}` : meant[0]}.`,
          { usage: digest.usage },
        );
      }
      const zone = canonicalTimeZone(value);
      if (!zone) {
        const near = suggestTimeZones(value, 3);
        throw new UserError(
          `${quote(value)} is not a time zone I know; use an IANA name such as Europe/Paris or America/New_York${near.length ? ` (did you mean ${near.join(', ')}?)` : ''}.`,
          { usage: digest.usage },
        );
      }
      return { timezone: zone };
    }
    case 'days': {
      const v = need(value, 'days', 'weekdays').toLowerCase();
      if (v !== 'weekdays' && v !== 'daily') {
        throw new UserError(`digest days is weekdays or daily, not ${quote(value)}.`, { usage: digest.usage });
      }
      return { days: v };
    }
    case 'size':
      return { size: whole(value, 'size', LIMITS.sizeMin, LIMITS.sizeMax, '5') };
    case 'min-upvotes':
      return { minUpvotes: whole(value, 'min-upvotes', 0, LIMITS.minUpvotesMax, '10') };
    case 'mode': {
      const v = need(value, 'mode', 'topics').toLowerCase();
      if (v !== 'all' && v !== 'topics')
        throw new UserError(`digest mode is all or topics, not ${quote(value)}.`, { usage: digest.usage });
      return { mode: v };
    }
    case 'weekly':
      return { weekly: onOff(value, 'weekly') };
    case 'thread':
      return { thread: onOff(value, 'thread') };
    case 'ranking': {
      const v = need(value, 'ranking', 'learned').toLowerCase();
      if (v !== 'hf' && v !== 'learned')
        throw new UserError(`digest ranking is hf or learned, not ${quote(value)}.`, { usage: digest.usage });
      return { ranking: v };
    }
    case 'rising':
      return { digestRising: onOff(value, 'rising') };
    case 'alerts':
      return alertsPatch(value);
    case 'followups':
      return { followups: onOff(value, 'followups') };
  }
}

/** `alerts on|off` or `alerts hours HH-HH|off` (the quiet hours: alerts post only within them, local time). */
function alertsPatch(value: string): Partial<ChannelSettings> {
  const words = value.trim().split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() !== 'hours') return { alerts: onOff(value, 'alerts') };
  const hours = words.slice(1).join(' ');
  if (!hours)
    throw new UserError('digest alerts hours needs hours, e.g. /papers digest alerts hours 08-20 (or off).', {
      usage: digest.usage,
    });
  if (hours.toLowerCase() === 'off') return { alertHours: null };
  const parsed = parseAlertHours(hours);
  if (!parsed)
    throw new UserError(
      `digest alerts hours is two whole hours from 00 to 24 such as 08-20 (alerts post from 08:00 to 20:00 local time), or off; not ${quote(hours)}.`,
      { usage: digest.usage },
    );
  return { alertHours: parsed };
}

/** "Mon 16 Nov 2026 at 09:00 Europe/Paris (08:00 UTC)" */
export function describeNextPost(channel: Channel, now: Date): string {
  const slot = nextSlot(channel, now);
  const utc = wallClock(slot.at, 'UTC');
  const local = wallClock(slot.at, channel.timezone);
  const day = new Date(`${local.date}T00:00:00Z`).toUTCString().slice(0, 16).replace(',', '');
  return `${day} at ${local.time} ${channel.timezone}${channel.timezone === 'UTC' ? '' : ` (${utc.time} UTC)`}`;
}

function confirmation(setting: Exclude<Setting, 'preview'>, c: Channel, now: Date): string {
  switch (setting) {
    case 'on':
      return `The daily digest is on in this channel. Next post: ${describeNextPost(c, now)}.`;
    case 'off':
      return 'The daily digest is off in this channel. Topics and settings are kept; /papers digest on starts it again.';
    case 'time':
    case 'timezone':
      return `The digest posts at ${c.postTime} ${c.timezone}.${c.digestEnabled ? ` Next post: ${describeNextPost(c, now)}.` : ''}`;
    case 'days':
      return c.days === 'daily' ? 'The digest posts every day.' : 'The digest posts Monday to Friday.';
    case 'size':
      return `The digest lists the top ${c.size} paper${c.size === 1 ? '' : 's'}.`;
    case 'min-upvotes':
      return c.minUpvotes === 0
        ? 'The digest includes papers whatever their upvotes.'
        : `The digest leaves out papers with fewer than ${c.minUpvotes} upvotes.`;
    case 'mode':
      return c.mode === 'topics'
        ? "The digest posts only papers matching this channel's topics."
        : "The digest posts the top papers, marking those that match this channel's topics.";
    case 'weekly':
      return c.weekly ? "A recap of last week's top papers posts on Mondays." : 'No Monday recap.';
    case 'thread':
      return c.thread
        ? 'Digest papers go in a thread under a header message.'
        : 'Digest papers post directly in the channel.';
    case 'ranking':
      return c.ranking === 'learned'
        ? `The digest blends Hugging Face upvotes with what this channel votes for (from ${MIN_VOTES} votes on; until then by upvotes).`
        : 'The digest ranks papers by Hugging Face upvotes.';
    case 'alerts': {
      const hours = c.alertHours
        ? ` from ${String(c.alertHours.from).padStart(2, '0')}:00 to ${String(c.alertHours.to).padStart(2, '0')}:00 ${c.timezone} (alerts due outside wait until then)`
        : ' at any hour';
      return c.alerts
        ? `Instant alerts are on: papers newly listed on Hugging Face that match this channel's topics are posted within minutes of each update, one message per update,${hours}. The digest marks them “alerted earlier”.`
        : `Instant alerts are off${c.alertHours ? ` (quiet hours kept: ${formatAlertHours(c.alertHours)})` : ''}; /papers digest alerts on starts them.`;
    }
    case 'followups':
      return c.followups !== false
        ? `Follow-ups are on: when a paper posted here in the last 30 days gets its code on GitHub or passes ${STARS_MILESTONE.toLocaleString('en-US')} stars, a short note follows${c.thread ? ' in the digest’s thread' : ''}.`
        : 'No code-release follow-ups.';
    case 'rising':
      return c.digestRising
        ? 'The digest ends with a “Rising” section: up to 3 papers gaining upvotes fastest that it does not already list.'
        : 'No “Rising” section in the digest.';
  }
}

/**
 * `digest preview [YYYY-MM-DD | week [YYYY-Www]]`: what the digest would post now, or for a given list (a day's
 * digest) or week (the Monday recap), so the sample archive shows a digest whatever today's date is.
 */
async function preview(channelRef: ChannelRef, services: CoreServices, now: Date, value: string) {
  const channel = await services.channels.find(channelRef);
  const off = channel.digestEnabled ? '' : ' (the digest is off in this channel)';
  const words = value.toLowerCase().split(/\s+/).filter(Boolean);
  if (words[0] === 'week') {
    const latest = await services.papers.latestListDate(toIsoDate(now));
    const week = (words[1] ?? (latest ? isoWeekOf(latest) : isoWeekOf(toIsoDate(now)))).toUpperCase();
    if (words.length > 2 || !isoWeekRange(week)) {
      throw new UserError(
        `digest preview week takes an ISO week such as ${isoWeekOf(toIsoDate(now))}, not ${quote(value)}.`,
        {
          usage: digest.usage,
        },
      );
    }
    const intro: Block = { type: 'note', tone: 'info', text: `Preview: the Monday recap of ${week}${off}.` };
    const composed = await services.digests.composeWeekly(channel, week);
    if (!composed.ok) return message([intro, { type: 'text', text: `Nothing would be posted: ${composed.reason}.` }]);
    return message([intro, ...composed.digest.message.blocks]);
  }
  if (words.length > 1 || (words[0] !== undefined && !isIsoDate(words[0]))) {
    throw new UserError(`digest preview takes a list date (YYYY-MM-DD) or week [YYYY-Www], not ${quote(value)}.`, {
      usage: digest.usage,
    });
  }
  const asked = words[0];
  if (asked && asked > toIsoDate(now)) {
    throw new UserError(`${asked} is in the future; the newest list is ${toIsoDate(now)}'s.`, { usage: digest.usage });
  }
  const period = asked ?? (await services.digests.dailyPeriod(now));
  const intro: Block = {
    type: 'note',
    tone: 'info',
    text: asked
      ? `Preview: the digest of the list of ${formatDay(asked)}${off}.`
      : `Preview: this is what the digest would post now${off}.`,
  };
  if (!period) {
    const latest = await services.papers.latestListDate();
    return message([
      intro,
      {
        type: 'text',
        text: `Nothing would be posted: no closed Daily Papers list in the last few days${latest ? ` (the newest in the archive is ${latest}; /papers digest preview ${latest} shows its digest)` : ''}.`,
      },
    ]);
  }
  const composed = await services.digests.composeDaily(channel, period);
  if (!composed.ok) return message([intro, { type: 'text', text: `Nothing would be posted: ${composed.reason}.` }]);
  const difference = await learnedPreview(services, channel, period, composed.digest);
  return message([intro, ...difference, ...composed.digest.message.blocks]);
}

/** With `ranking learned`: how the preview differs from the same digest ranked by upvotes. */
async function learnedPreview(
  services: CoreServices,
  channel: Channel,
  period: string,
  learned: ComposedDigest,
): Promise<Block[]> {
  if (channel.ranking !== 'learned') return [];
  const hf = await services.digests.composeDaily({ ...channel, ranking: 'hf' }, period);
  const ids = (m: ComposedDigest) => m.message.blocks.flatMap((b) => (b.type === 'paper' && b.position ? [b.id] : []));
  const titles = new Map(
    [...learned.message.blocks, ...(hf.ok ? hf.digest.message.blocks : [])].flatMap((b) =>
      b.type === 'paper' ? [[b.id, b.title] as const] : [],
    ),
  );
  if (!hf.ok) return [];
  if (
    !learned.message.blocks.some((b) => b.type === 'paper' && b.reason) &&
    ids(learned).join() === ids(hf.digest).join()
  ) {
    const { votes } = await services.taste.taste(channel);
    if (votes < MIN_VOTES) {
      return [
        {
          type: 'note',
          tone: 'info',
          text: `Ranking learned: this channel has ${votes} vote${votes === 1 ? '' : 's'}; the learned ranking starts at ${MIN_VOTES}, so this is the hf order.`,
        },
      ];
    }
  }
  return learnedDifference(ids(learned), ids(hf.digest), titles);
}
