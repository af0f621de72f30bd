/**
 * A complete handler set for a generated facade when a test or benchmark cares about a few of
 * them: every other consumer acknowledges and ignores its messages, every other RPC server
 * answers with an error. Built from the service's definition, so adding an operation to the
 * contract asks for changes only where a handler matters.
 */
import type { ServiceDefinition } from '../../runtime/index.js';

export function handlersFor<Handlers extends object>(
  definition: ServiceDefinition,
  chosen: Partial<Handlers> = {},
): Handlers {
  const ignore = () => undefined;
  const refuse = (name: string) => () => {
    throw new Error(`RPC ${name} has no handler in this test`);
  };
  return {
    ...Object.fromEntries(definition.consumers.map((consumer) => [consumer.name, ignore])),
    ...Object.fromEntries(definition.rpcServers.map((server) => [server.name, refuse(server.name)])),
    ...chosen,
  } as Handlers;
}

/** A facade's bus once `start` took the handlers: `await started(connect(options), handlersFor(...))`. */
export async function started<Handlers, Bus extends { start(handlers: Handlers): Promise<void> }>(
  connecting: Promise<Bus>,
  handlers: Handlers,
): Promise<Bus> {
  const bus = await connecting;
  await bus.start(handlers);
  return bus;
}
