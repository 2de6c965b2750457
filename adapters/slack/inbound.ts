/**
 * Slack's inbound side: `/papers` slash commands, button presses and uninstall events, routed into the core.
 * Every listener acknowledges first (Slack's 3 seconds), then works, and answers through the `response_url`.
 */
import type { App, RespondFn, types } from '@slack/bolt';
import { type CommandDispatcher, type CommandResult, describeError, type Logger } from '../../src/index.js';
import type { InFlight } from '../shared/in-flight.js';
import { slackAddress } from './address.js';
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
  readonly log: Logger;
  readonly managers: ManagerCheck;
  readonly inFlight: InFlight;
  readonly onUninstalled: (context: Uninstalled, reason: string) => Promise<void>;
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
    await track(
      onAction(deps, respond, value, {
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
    const result = await deps.dispatcher.dispatch({ ...caller(deps, from), input: { kind: 'line', text: raw } });
    await reply(deps.log, respond, result, false, where);
  } catch (err) {
    deps.log.error({ err, ...where }, 'Slack command failed');
  }
}

async function onAction(deps: SlackInboundDeps, respond: RespondFn, actionId: string, from: Origin): Promise<void> {
  const where = { action: actionId.slice(0, 60), team: from.teamId, channel: from.channelId, user: from.userId };
  try {
    const result = await deps.dispatcher.dispatchAction({ ...caller(deps, from), actionId });
    await reply(deps.log, respond, result, true, where);
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
