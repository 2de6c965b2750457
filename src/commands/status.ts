import { formatAlertHours } from '../domain/channel.js';
import { formatDay } from '../domain/days.js';
import { scheduleProblem } from '../domain/schedule.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import { type CommandDefinition, never, publicOption } from './definition.js';
import { describeNextPost } from './digest.js';
import { tasteStatus } from './taste-status.js';

export const status: CommandDefinition = {
  name: 'status',
  description: "This channel's settings, topics, next post time, and the last post and its outcome",
  usage: '/papers status [public]',
  options: [publicOption],
  managerOnly: never,
  async execute({ invocation, services, now }) {
    const c = await services.channels.find(invocation.channel);
    const topics = await services.channels.topics(c.pk);
    const last = c.pk === undefined ? undefined : await services.deliveries.last(c.pk);
    // A stored setting or topic the schedule cannot use (recorded by the delivery service, or seen here first).
    const problem = c.digestProblem ?? (c.digestEnabled ? scheduleProblem(c) : undefined);
    const settings = [
      `Digest: ${c.digestEnabled ? (c.pausedAt ? 'paused' : 'on') : 'off'}`,
      `Time: ${c.postTime} ${c.timezone}, ${c.days === 'daily' ? 'every day' : 'Monday to Friday'}`,
      `Size: top ${c.size} · min upvotes: ${c.minUpvotes} · mode: ${c.mode}`,
      `Weekly recap: ${c.weekly ? 'on (Mondays)' : 'off'} · thread: ${c.thread ? 'on' : 'off'}${c.digestRising ? ' · rising: on' : ''}`,
      `Alerts: ${c.alerts ? `on${c.alertHours ? ` (${formatAlertHours(c.alertHours)} ${c.timezone})` : ''}` : 'off'} · follow-ups: ${c.followups !== false ? 'on' : 'off'}`,
    ];
    const blocks: Block[] = [
      { type: 'heading', text: 'PaperPulse in this channel' },
      { type: 'text', text: settings.join('\n') },
    ];
    if (c.pausedAt) {
      blocks.push({
        type: 'note',
        tone: 'warning',
        text: `The digest is paused since ${c.pausedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC after ${c.consecutiveFailures} failed deliveries in a row (${c.pauseReason ?? 'unknown reason'}). Fix the bot's access to this channel, then /papers digest on.`,
      });
    } else if (c.digestEnabled && !problem) {
      blocks.push({ type: 'text', text: `Next post: ${describeNextPost(c, now)}` });
    }
    if (problem) {
      blocks.push({
        type: 'note',
        tone: 'warning',
        text: `The digest is not posted here: ${problem}. Set the setting again (/papers digest …) or remove the topic to fix it.`,
      });
    }
    if (last) {
      const what = last.kind === 'weekly' ? `recap of ${last.period}` : `list of ${formatDay(last.period)}`;
      const when = (last.sentAt ?? last.updatedAt).toISOString().slice(0, 16).replace('T', ' ');
      const outcome: Record<string, string> = {
        sent: `posted ${when} UTC (${last.messageIds.length} message${last.messageIds.length === 1 ? '' : 's'})`,
        empty: `nothing to post (${last.error ?? 'no papers'})`,
        skipped: `skipped: ${last.error ?? 'too late'}`,
        failed: `failed: ${last.error ?? 'unknown error'}`,
        retry: `failed, retrying: ${last.error ?? 'unknown error'}`,
        claimed: 'being posted now',
        posting: 'being posted now',
      };
      blocks.push({ type: 'text', text: `Last digest: ${what}, ${outcome[last.status] ?? last.status}` });
    } else {
      blocks.push({ type: 'text', text: 'Last digest: none yet' });
    }
    const recovery = invocation.deliveryRecovery?.();
    if (recovery) blocks.push({ type: 'text', text: `Crash recovery: ${recovery}` });
    blocks.push({
      type: 'text',
      text:
        topics.length === 0 ? 'Topics: none' : `Topics (${topics.length}): ${topics.map((t) => t.query).join(' · ')}`,
    });
    blocks.push(...(await tasteStatus(services, c)));
    return message(blocks);
  },
};
