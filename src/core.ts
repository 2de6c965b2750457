import type { PaperServices } from './app.js';
import type { CoreServices } from './commands/definition.js';
import { createDispatcher } from './commands/dispatcher.js';
import { createPapersCommands } from './commands/index.js';
import { PgChannelRepository } from './db/channel-repository.js';
import { PgContinuationRepository } from './db/continuation-repository.js';
import { PgDeliveryRepository } from './db/delivery-repository.js';
import type { ChatPlatform, PlatformName } from './ports/chat-platform.js';
import type { CommandDispatcher } from './ports/command-dispatcher.js';
import { type DeliveryOptions, DeliveryService } from './services/delivery-service.js';
import { DigestService } from './services/digest-service.js';

export interface Core {
  readonly services: CoreServices;
  readonly dispatcher: CommandDispatcher;
  readonly delivery: DeliveryService;
}

/** Wires commands, channels, digests and delivery on top of the paper services. */
export function createCore(
  paper: PaperServices,
  platforms: readonly ChatPlatform[],
  deliveryOptions?: Partial<DeliveryOptions>,
): Core {
  const channels = new PgChannelRepository(paper.database);
  const deliveries = new PgDeliveryRepository(paper.database);
  const continuations = new PgContinuationRepository(paper.database);
  const digests = new DigestService({ papers: paper.papers, channels, deliveries, search: paper.search });
  const services: CoreServices = { ...paper, channels, deliveries, continuations, digests };
  const registry = createPapersCommands();
  const dispatcher = createDispatcher(registry, services, paper.clock, paper.log.child({ component: 'commands' }));
  const delivery = new DeliveryService({
    channels,
    deliveries,
    digests,
    platforms: new Map<PlatformName, ChatPlatform>(platforms.map((p) => [p.name, p])),
    clock: paper.clock,
    log: paper.log.child({ component: 'delivery' }),
    options: deliveryOptions,
  });
  return { services, dispatcher, delivery };
}
