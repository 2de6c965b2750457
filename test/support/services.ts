import { type App, buildApp } from '../../src/app.js';
import type { CoreServices } from '../../src/commands/definition.js';
import { type Env, loadConfig } from '../../src/config.js';
import type { ChannelRef } from '../../src/domain/channel.js';
import { HfClient } from '../../src/huggingface/client.js';
import type { Logger } from '../../src/logger.js';
import type { Clock } from '../../src/ports/clock.js';
import type { CommandDispatcher, CommandInvocation } from '../../src/ports/commands.js';
import type { ChatPlatform } from '../../src/ports/platform.js';
import { type DeliveryOptions, DeliveryService } from '../../src/services/delivery-service.js';
import type { TestDatabase } from './databases.js';
import { silentLog } from './databases.js';

/** The core on a test database, talking to a (fake) Hugging Face at `hfUrl` with instant retries. */
export function testApp(
  database: TestDatabase,
  options: { clock: Clock; hfUrl?: string; log?: Logger; pageSize?: number; env?: Env },
): App {
  const log = options.log ?? silentLog;
  const source = new HfClient({
    baseUrl: options.hfUrl ?? 'http://127.0.0.1:9',
    log,
    sleep: async () => {},
    timeoutMs: 2_000,
    pageSize: options.pageSize,
  });
  return buildApp(database, { config: loadConfig(options.env ?? {}), log, clock: options.clock, source });
}

/** What a test drives: the services, a dispatcher and a delivery service for `platforms`. */
export interface TestCore {
  readonly services: CoreServices;
  readonly dispatcher: CommandDispatcher;
  readonly delivery: DeliveryService;
}

/** Wires a dispatcher and the delivery service for these platforms, as the composition root does in runBot. */
export function testCore(app: App, platforms: readonly ChatPlatform[], options?: Partial<DeliveryOptions>): TestCore {
  return {
    services: app.services,
    dispatcher: app.dispatcher(platforms),
    delivery: new DeliveryService({
      channels: app.services.channels,
      deliveries: app.services.deliveries,
      digests: app.services.digests,
      platforms: new Map(platforms.map((p) => [p.name, p])),
      clock: app.services.clock,
      log: app.log,
      options,
    }),
  };
}

/** A `/papers <text>` typed by a user in `channel` (a manager unless said otherwise). */
export function typed(
  channel: ChannelRef,
  text: string,
  options: { manager?: boolean; user?: string } = {},
): CommandInvocation {
  const user = options.user ?? 'u';
  return {
    input: { kind: 'line', text },
    user: { id: user, displayName: user },
    channel,
    isManager: async () => options.manager !== false,
  };
}
