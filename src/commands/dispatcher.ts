import { channelKey, type PlatformName } from '../domain/channel.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type {
  ActionInvocation,
  AutocompleteRequest,
  Choice,
  CommandDispatcher,
  CommandInvocation,
  CommandResult,
} from '../ports/commands.js';
import { type Metrics, noMetrics } from '../ports/metrics.js';
import type { PlatformTraits } from '../ports/platform.js';
import { autocompleteOption } from './autocomplete.js';
import type { Args, CommandContext, CommandOutput, CoreServices } from './definition.js';
import { parseArgs, quote, splitCommandLine } from './parse.js';
import type { CommandRegistry } from './registry.js';

export const GENERIC_FAILURE = 'Something went wrong on our side; it has been logged. Please try again in a moment.';

/** What the core assumes of a platform that declared nothing (the CLI, a test double). */
export const DEFAULT_TRAITS: PlatformTraits = {
  managers: 'channel managers',
  buttonTtlMs: 15 * 60_000,
  threads: false,
};

export interface DispatcherDeps {
  readonly registry: CommandRegistry;
  readonly services: CoreServices;
  /** What each platform declared about itself (who may manage a channel, how long buttons live). */
  readonly traits: (platform: PlatformName) => PlatformTraits;
  readonly log: Logger;
  /** Counts and times every command by name and outcome. */
  readonly metrics?: Metrics | undefined;
}

/**
 * The one place where user-facing failure text is produced. A user's mistake becomes a short, specific note plus
 * the usage line; anything else is logged with context and answered with a generic apology. Never throws.
 */
export function createDispatcher(deps: DispatcherDeps): CommandDispatcher {
  const { registry, services, log } = deps;
  const metrics = deps.metrics ?? noMetrics;
  // Metric labels: a registered command's name, never what the user typed (that would make a series per typo).
  const metricName = (command: string) => (command === 'action' || registry.get(command) ? command : 'unknown');
  const run = async (
    context: { platform: PlatformName; command: string; userId: string; channel: string },
    work: () => Promise<{ output: CommandOutput; args: Args }>,
  ): Promise<CommandResult> => {
    const started = performance.now();
    try {
      const { output, args } = await work();
      const result: CommandResult =
        'blocks' in output
          ? { message: output, ephemeral: args.public !== true, ok: true }
          : {
              message: output.message,
              ephemeral: output.ephemeral ?? args.public !== true,
              ok: true,
              ...(output.data !== undefined ? { data: output.data } : {}),
              ...(output.relabel ? { relabel: output.relabel } : {}),
            };
      log.debug({ ...context, ms: Math.round(performance.now() - started) }, 'command answered');
      metrics.commandHandled(metricName(context.command), 'ok', (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      if (err instanceof UserError) {
        log.debug({ ...context, code: err.code, reason: err.message }, 'command refused');
        metrics.commandHandled(metricName(context.command), 'refused', (performance.now() - started) / 1000);
        const blocks: Block[] = [{ type: 'note', tone: 'warning', text: err.message }];
        if (err.usage) blocks.push({ type: 'text', text: `Usage: ${err.usage}` });
        return {
          message: message(blocks),
          ephemeral: true,
          ok: false,
          error: { code: err.code, message: err.message },
        };
      }
      log.error({ err, ...context }, 'command failed');
      metrics.commandHandled(metricName(context.command), 'error', (performance.now() - started) / 1000);
      return {
        message: message([{ type: 'note', tone: 'error', text: GENERIC_FAILURE }]),
        ephemeral: true,
        ok: false,
        error: { code: 'INTERNAL', message: GENERIC_FAILURE },
      };
    }
  };

  const contextOf = (invocation: CommandInvocation | ActionInvocation, command: string) => ({
    platform: invocation.channel.platform,
    command: command.slice(0, 40),
    userId: invocation.user.id,
    channel: channelKey(invocation.channel),
  });

  return {
    commands: registry.list,

    dispatch(invocation: CommandInvocation): Promise<CommandResult> {
      const { input } = invocation;
      const line = input.kind === 'line' ? splitCommandLine(input.text) : undefined;
      const name = (line ? line.command || 'help' : input.kind === 'options' ? input.command : '').toLowerCase();
      return run(contextOf(invocation, name), async () => {
        const def = registry.get(name);
        if (!def) {
          const near = registry.suggest(name);
          throw new UserError(
            `${name ? quote(name) : 'That'} is not a /papers command${near ? ` (did you mean /papers ${near}?)` : ''}.`,
            { usage: `/papers ${registry.list.map((d) => d.name).join(' | ')} (see /papers help)` },
          );
        }
        const args = parseArgs(
          def,
          line
            ? { kind: 'text', text: line.rest }
            : { kind: 'options', values: input.kind === 'options' ? input.values : {} },
        );
        const platform = deps.traits(invocation.channel.platform);
        if (def.managerOnly(args) && !(await invocation.isManager())) {
          throw new UserError(`Only channel managers can change this channel's settings: ${platform.managers}.`, {
            code: 'NOT_PERMITTED',
          });
        }
        const ctx: CommandContext = { args, invocation, services, platform, log, now: services.clock.now() };
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
      const actionId = String(invocation.actionId);
      return run(contextOf(invocation, 'action'), async () => {
        const action = registry.action(actionId);
        if (!action) throw new UserError('That button is not one of mine any more; run the command again.');
        const platform = deps.traits(invocation.channel.platform);
        const output = await action.run(actionId.slice(action.prefix.length), {
          invocation,
          services,
          platform,
          log,
          now: services.clock.now(),
        });
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
