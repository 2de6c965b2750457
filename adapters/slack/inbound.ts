/**
 * Slack's inbound side: `/papers` slash commands, button presses and uninstall events, routed into the core.
 * Every listener acknowledges first (Slack's 3 seconds), then works, and answers through the `response_url`.
 */
import type { App, RespondFn, types } from '@slack/bolt';
import {
  type CommandDispatcher,
  type CommandResult,
  describeError,
  type Logger,
  type OutgoingFile,
} from '../../src/index.js';
import type { InFlight } from '../shared/in-flight.js';
import { slackAddress } from './address.js';
import { inlineFile } from './files.js';
import { SLACK_BUDGET } from './limits.js';
import type { ManagerCheck } from './managers.js';
import { renderMessage } from './render.js';

type Blocks = (types.KnownBlock | types.Block)[];

/** Where a command or button press came from. */
interface Origin {
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly userName: string;
  readonly botToken: string | undefined;
}

/** An installation to forget: the app was uninstalled, or its bot token revoked. */
export interface Uninstalled {
  readonly teamId?: string | undefined;
  readonly enterpriseId?: string | undefined;
  readonly isEnterpriseInstall?: boolean | undefined;
}

export interface SlackInboundDeps {
  readonly dispatcher: CommandDispatcher;
  /** Sends a file to the user in their direct message with the app (the BibTeX export that fits no message). */
  readonly sendFile?: ((botToken: string | undefined, userId: string, file: OutgoingFile) => Promise<void>) | undefined;
  readonly log: Logger;
  readonly managers: ManagerCheck;
  readonly inFlight: InFlight;
  readonly onUninstalled: (context: Uninstalled, reason: string) => Promise<void>;
  /** How an interrupted digest is recovered in a workspace (for /papers status). */
  readonly recovery?: ((teamId: string) => string) | undefined;
}

/** Registers the app's listeners. */
export function registerInbound(app: App, deps: SlackInboundDeps): void {
  const { inFlight, log } = deps;
  const track = (work: Promise<void>) =>
    inFlight.track(work.catch((err: unknown) => log.error({ err }, 'Slack handler failed')));

  // Whatever the command is called in this workspace (/papers by default): the app only receives its own.
  app.command(/^\/.+/, async ({ command, ack, respond, context }) => {
    await ack();
    await track(
      onCommand(
        deps,
        respond,
        {
          teamId: command.team_id,
          channelId: command.channel_id,
          userId: command.user_id,
          userName: command.user_name || command.user_id,
          botToken: context.botToken,
        },
        command.text ?? '',
      ),
    );
  });

  app.action({ type: 'block_actions' }, async ({ ack, body, action, respond, context }) => {
    await ack();
    const value = 'value' in action && typeof action.value === 'string' ? action.value : action.action_id;
    // The message the button is on (Slack sends it for messages in a conversation, not for ephemeral ones).
    const pressedOn = (body as { message?: { text?: string; blocks?: Record<string, unknown>[] } }).message;
    await track(
      onAction(deps, respond, value, pressedOn, {
        teamId: body.team?.id ?? body.user.team_id ?? context.teamId ?? '',
        channelId: body.channel?.id ?? body.container?.channel_id ?? '',
        userId: body.user.id,
        userName: body.user.username ?? body.user.name ?? body.user.id,
        botToken: context.botToken,
      }),
    );
  });

  app.event('app_uninstalled', async ({ context }) => {
    await track(deps.onUninstalled(context, 'app_uninstalled'));
  });
  app.event('tokens_revoked', async ({ event, context }) => {
    // Only a revoked bot token matters: user tokens are not used.
    if ((event.tokens.bot ?? []).length > 0) await track(deps.onUninstalled(context, 'tokens_revoked'));
  });
}

/** The caller's identity for the core; whether they manage the channel is asked only if the command needs it. */
function caller(deps: SlackInboundDeps, from: Origin) {
  return {
    user: { id: from.userId, displayName: from.userName },
    channel: { platform: 'slack', address: slackAddress(from.teamId, from.channelId) },
    isManager: () => deps.managers.isManager(from.teamId, from.userId, from.botToken),
  };
}

async function onCommand(deps: SlackInboundDeps, respond: RespondFn, from: Origin, raw: string): Promise<void> {
  const where = { team: from.teamId, channel: from.channelId, user: from.userId };
  try {
    const result = await deps.dispatcher.dispatch({
      ...caller(deps, from),
      input: { kind: 'line', text: raw },
      deliveryRecovery: () => deps.recovery?.(from.teamId),
    });
    await reply(deps.log, respond, await withFile(deps, from, result), false, where);
  } catch (err) {
    deps.log.error({ err, ...where }, 'Slack command failed');
  }
}

async function onAction(
  deps: SlackInboundDeps,
  respond: RespondFn,
  actionId: string,
  pressedOn: { text?: string; blocks?: Record<string, unknown>[] } | undefined,
  from: Origin,
): Promise<void> {
  const where = { action: actionId.slice(0, 60), team: from.teamId, channel: from.channelId, user: from.userId };
  try {
    const result = await deps.dispatcher.dispatchAction({ ...caller(deps, from), actionId });
    const blocks = result.relabel && pressedOn?.blocks ? relabelBlocks(pressedOn.blocks, result.relabel) : undefined;
    if (blocks) {
      // The card's own buttons show the new counts: the press rewrites the message it is on (no new message).
      try {
        await respond({ replace_original: true, text: pressedOn?.text ?? '', blocks: blocks as unknown as Blocks });
      } catch (err) {
        deps.log.warn({ err: describeError(err), ...where }, 'could not update the pressed message');
      }
    }
    await reply(deps.log, respond, await withFile(deps, from, result), true, where);
  } catch (err) {
    deps.log.error({ err, ...where }, 'Slack button failed');
  }
}

/** Sends a result through the response_url: ephemeral unless the command made it public. */
async function reply(
  log: Logger,
  respond: RespondFn,
  result: CommandResult,
  isAction: boolean,
  where: object,
): Promise<void> {
  const parts = renderMessage(result.message).slice(0, SLACK_BUDGET.responseParts);
  const code = (result as { code?: ReturnType<typeof inlineFile> }).code;
  if (code && parts[0]) parts[0] = { ...parts[0], blocks: [...parts[0].blocks, code] };
  for (const part of parts) {
    try {
      await respond({
        response_type: result.ephemeral ? 'ephemeral' : 'in_channel',
        text: part.text,
        blocks: part.blocks as unknown as Blocks,
        // A button's answer is a new message: the page with the button stays as it was.
        ...(isAction ? { replace_original: false } : {}),
      });
    } catch (err) {
      log.warn({ err: describeError(err), ...where }, 'could not answer through response_url');
      return;
    }
  }
}

/**
 * An answer's file: a code block in the answer when it fits one section, else sent to the caller's direct message
 * with the app (the answer says so, or why it could not be sent).
 */
async function withFile(
  deps: SlackInboundDeps,
  from: Origin,
  result: CommandResult,
): Promise<CommandResult & { readonly code?: ReturnType<typeof inlineFile> }> {
  const file = result.message.file;
  if (!file) return result;
  const code = inlineFile(file);
  if (code) return { ...result, code };
  let line: string;
  if (!deps.sendFile) {
    line = 'It is too long for a message here; `paperpulse saved export` on the server writes the file.';
  } else {
    try {
      await deps.sendFile(from.botToken, from.userId, file);
      line = `I sent it to you as a file (${file.name}) in your direct messages with me.`;
    } catch (err) {
      deps.log.warn({ err: describeError(err), user: from.userId }, 'could not send the export file');
      const code = (err as { data?: { error?: unknown } }).data?.error;
      line =
        code === 'missing_scope'
          ? 'I could not send it as a file: the app lacks the files:write or im:write scope (reinstall it from the current manifest).'
          : `I could not send it as a file (Slack answered ${typeof code === 'string' ? code : 'with an error'}); try again later.`;
    }
  }
  const blocks = [...result.message.blocks, { type: 'text' as const, text: line }];
  return { ...result, message: { ...result.message, text: `${result.message.text}\n${line}`, blocks } };
}

/** The message's blocks with the buttons whose value is named in `labels` relabelled; undefined when none is. */
export function relabelBlocks(
  blocks: readonly Record<string, unknown>[],
  labels: Readonly<Record<string, string>>,
): Record<string, unknown>[] | undefined {
  let changed = false;
  const next = blocks.map((block) => {
    if (block.type !== 'actions' || !Array.isArray(block.elements)) return block;
    return {
      ...block,
      elements: (block.elements as Record<string, unknown>[]).map((e) => {
        const label = typeof e.value === 'string' ? labels[e.value] : undefined;
        if (label === undefined) return e;
        changed = true;
        return { ...e, text: { type: 'plain_text', text: label, emoji: true } };
      }),
    };
  });
  return changed ? next : undefined;
}
