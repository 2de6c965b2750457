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
  /**
   * OAuth mode: the bot token of a request Bolt let through without one (the installation lookup was slower than
   * its bound, or failed), waited for within a bound; or why there is none.
   */
  readonly installation?: ((context: InstallationContext) => Promise<InstallationOutcome>) | undefined;
  /** How an interrupted digest is recovered in a workspace (for /papers status). */
  readonly recovery?: ((teamId: string) => string) | undefined;
}

/** The workspace of a request, as Bolt's context gives it. */
export interface InstallationContext {
  readonly teamId?: string | undefined;
  readonly enterpriseId?: string | undefined;
  readonly isEnterpriseInstall?: boolean | undefined;
}

/** A workspace's bot token, or why it could not be had: too slow, the database failed, or no installation. */
export type InstallationOutcome =
  | { readonly botToken: string }
  | { readonly problem: 'slow'; readonly waitedMs: number }
  | { readonly problem: 'failed' | 'missing' };

/** The acknowledgement's line when the installation is still being read. */
export const STILL_WORKING =
  'Still working on it: this workspace’s settings are slow to load right now. The answer follows here in a moment.';

/** What the user reads when the answer could not be computed. */
export function installationProblemText(outcome: Exclude<InstallationOutcome, { botToken: string }>): string {
  const retry = 'Nothing was changed; try again in a minute.';
  switch (outcome.problem) {
    case 'slow':
      return `I could not answer this time: this workspace’s installation did not load from the database within ${Math.round(outcome.waitedMs / 1000)} s. ${retry}`;
    case 'failed':
      return `I could not answer this time: the database failed while I was looking up this workspace’s installation. ${retry}`;
    case 'missing':
      return 'I could not answer: PaperPulse has no installation for this workspace. Nothing was changed; reinstall the app, then try again.';
  }
}

/** Waits for the token Bolt could not give, then runs `work` with it, or tells the user why it cannot. */
async function afterInstallation(
  deps: SlackInboundDeps,
  respond: RespondFn,
  context: InstallationContext,
  isAction: boolean,
  work: (botToken: string) => Promise<void>,
): Promise<void> {
  const outcome = await deps.installation!(context);
  if ('botToken' in outcome) {
    await work(outcome.botToken);
    return;
  }
  deps.log.warn(
    { team: context.teamId, enterprise: context.enterpriseId, problem: outcome.problem },
    'Slack request not answered: no installation to answer it with',
  );
  try {
    await respond({
      response_type: 'ephemeral',
      text: installationProblemText(outcome),
      ...(isAction ? { replace_original: false } : {}),
    });
  } catch (err) {
    deps.log.warn({ err: describeError(err), team: context.teamId }, 'could not answer through response_url');
  }
}

/** Registers the app's listeners. */
export function registerInbound(app: App, deps: SlackInboundDeps): void {
  const { inFlight, log } = deps;
  const track = (work: Promise<void>) =>
    inFlight.track(work.catch((err: unknown) => log.error({ err }, 'Slack handler failed')));

  // Whatever the command is called in this workspace (/papers by default): the app only receives its own.
  app.command(/^\/.+/, async ({ command, ack, respond, context }) => {
    const from: Origin = {
      teamId: command.team_id,
      channelId: command.channel_id,
      userId: command.user_id,
      userName: command.user_name || command.user_id,
      botToken: context.botToken,
    };
    const text = command.text ?? '';
    if (context.botToken === undefined && deps.installation) {
      // Bolt could not read the workspace's installation in time: acknowledge now, with a line, and answer later.
      await ack({ response_type: 'ephemeral', text: STILL_WORKING });
      await track(
        afterInstallation(deps, respond, context, false, (botToken) =>
          onCommand(deps, respond, { ...from, botToken }, text),
        ),
      );
      return;
    }
    await ack();
    await track(onCommand(deps, respond, from, text));
  });

  app.action({ type: 'block_actions' }, async ({ ack, body, action, respond, context }) => {
    await ack();
    const value = 'value' in action && typeof action.value === 'string' ? action.value : action.action_id;
    // The message the button is on (Slack sends it for messages in a conversation, not for ephemeral ones).
    const pressedOn = (body as { message?: { text?: string; blocks?: Record<string, unknown>[] } }).message;
    const from: Origin = {
      teamId: body.team?.id ?? body.user.team_id ?? context.teamId ?? '',
      channelId: body.channel?.id ?? body.container?.channel_id ?? '',
      userId: body.user.id,
      userName: body.user.username ?? body.user.name ?? body.user.id,
      botToken: context.botToken,
    };
    if (context.botToken === undefined && deps.installation) {
      // A button's acknowledgement shows nothing: the "still working" line goes through the response_url (one of
      // its 5 uses, taken from the answer's budget).
      await track(
        (async () => {
          await respond({ response_type: 'ephemeral', replace_original: false, text: STILL_WORKING }).catch(
            (err: unknown) => log.warn({ err: describeError(err) }, 'could not answer through response_url'),
          );
          await afterInstallation(deps, respond, context, true, (botToken) =>
            onAction(deps, respond, value, pressedOn, { ...from, botToken }, 1),
          );
        })(),
      );
      return;
    }
    await track(onAction(deps, respond, value, pressedOn, from));
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
  /** Uses of the response_url already spent (the "still working" line). */
  used = 0,
): Promise<void> {
  const where = { action: actionId.slice(0, 60), team: from.teamId, channel: from.channelId, user: from.userId };
  try {
    const result = await deps.dispatcher.dispatchAction({ ...caller(deps, from), actionId });
    const blocks = result.relabel && pressedOn?.blocks ? relabelBlocks(pressedOn.blocks, result.relabel) : undefined;
    let spent = used;
    if (blocks) {
      spent++;
      // The card's own buttons show the new counts: the press rewrites the message it is on (no new message).
      try {
        await respond({ replace_original: true, text: pressedOn?.text ?? '', blocks: blocks as unknown as Blocks });
      } catch (err) {
        deps.log.warn({ err: describeError(err), ...where }, 'could not update the pressed message');
      }
    }
    await reply(deps.log, respond, await withFile(deps, from, result), true, where, SLACK_BUDGET.responseParts - spent);
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
  /** Uses of the response_url left for this answer (Slack accepts 5 in all). */
  budget: number = SLACK_BUDGET.responseParts,
): Promise<void> {
  const parts = renderMessage(result.message).slice(0, Math.max(1, budget));
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
