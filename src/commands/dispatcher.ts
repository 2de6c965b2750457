import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { PlatformName } from '../ports/chat-platform.js';
import type { Clock } from '../ports/clock.js';
import type {
  ActionInvocation,
  AutocompleteRequest,
  Choice,
  CommandDispatcher,
  CommandInvocation,
  CommandResult,
} from '../ports/command-dispatcher.js';
import { autocompleteOption } from './autocomplete.js';
import { type Args, type CommandContext, type CommandOutput, type CoreServices, publicOption } from './definition.js';
import { parseArgs, quote } from './parse.js';
import type { CommandRegistry } from './registry.js';
import { runMoreAction } from './search.js';

export const GENERIC_FAILURE = 'Something went wrong on our side; it has been logged. Please try again in a moment.';

/** Who counts as a channel manager, per platform (the adapter decides; this only explains it). */
const MANAGERS: Record<PlatformName, string> = {
  discord: 'members with the Manage Channels or Manage Server permission',
  slack: 'workspace admins and owners, and the people this app was configured to trust',
  console: 'the person at the terminal',
};

/**
 * The one place where user-facing failure text is produced. A user's mistake becomes a short, specific note plus
 * the usage line; anything else is logged with context and answered with a generic apology. Never throws.
 */
export function createDispatcher(
  registry: CommandRegistry,
  services: CoreServices,
  clock: Clock,
  log: Logger,
): CommandDispatcher {
  const run = async (
    context: { platform: PlatformName; command: string; userId: string; channel: string },
    work: () => Promise<{ output: CommandOutput; args: Args }>,
  ): Promise<CommandResult> => {
    const started = Date.now();
    try {
      const { output, args } = await work();
      const result =
        'blocks' in output
          ? { message: output, ephemeral: args.public !== true, ok: true }
          : { message: output.message, ephemeral: output.ephemeral, ok: true };
      log.debug({ ...context, ms: Date.now() - started }, 'command answered');
      return result;
    } catch (err) {
      if (err instanceof UserError) {
        log.debug({ ...context, code: err.code, reason: err.message }, 'command refused');
        const blocks: Block[] = [{ type: 'note', tone: 'warning', text: err.message }];
        if (err.usage) blocks.push({ type: 'text', text: `Usage: ${err.usage}` });
        return { message: message(blocks), ephemeral: true, ok: false };
      }
      log.error({ err, ...context }, 'command failed');
      return { message: message([{ type: 'note', tone: 'error', text: GENERIC_FAILURE }]), ephemeral: true, ok: false };
    }
  };

  return {
    commands: registry.list,

    dispatch(invocation: CommandInvocation): Promise<CommandResult> {
      const context = {
        platform: invocation.platform,
        command: String(invocation.command).slice(0, 40),
        userId: invocation.user.id,
        channel: `${invocation.channel.platform}:${invocation.channel.channelId}`,
      };
      return run(context, async () => {
        const name = String(invocation.command).trim().toLowerCase();
        const def = registry.get(name);
        if (!def) {
          throw new UserError(`${name ? quote(name) : 'That'} is not a /papers command.`, {
            usage: `/papers ${registry.list.map((d) => d.name).join(' | ')} (see /papers help)`,
          });
        }
        const args = parseArgs(def, invocation.input);
        if (def.managerOnly(args) && !invocation.isManager) {
          throw new UserError(
            `Only channel managers can change this channel's settings: ${MANAGERS[invocation.platform]}.`,
            { code: 'NOT_PERMITTED' },
          );
        }
        const ctx: CommandContext = { args, invocation, services, log, now: clock.now() };
        try {
          return { output: await def.execute(ctx), args };
        } catch (err) {
          // A bad value found by a service (a date that does not exist…) gets the command's usage line too.
          if (err instanceof UserError && !err.usage && err.code === 'INVALID_ARGUMENT') {
            throw new UserError(err.message, { usage: def.usage, cause: err });
          }
          throw err;
        }
      });
    },

    dispatchAction(invocation: ActionInvocation): Promise<CommandResult> {
      const context = {
        platform: invocation.platform,
        command: 'action',
        userId: invocation.user.id,
        channel: `${invocation.channel.platform}:${invocation.channel.channelId}`,
      };
      return run(context, async () => {
        const output = await runMoreAction(String(invocation.actionId), invocation, services, clock.now());
        return { output, args: {} };
      });
    },

    async autocomplete(request: AutocompleteRequest): Promise<Choice[]> {
      try {
        return (await autocompleteOption(request, services)).slice(0, 25);
      } catch (err) {
        log.warn({ err, command: request.command, option: request.option }, 'autocomplete failed');
        return [];
      }
    },
  };
}

export { publicOption };
