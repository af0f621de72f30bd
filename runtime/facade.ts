/**
 * The generic facade: one service's typed bus, built from its definition. A generated facade is
 * its interfaces, its definition literal (typed by those interfaces: `TypedServiceDefinition<Api>`)
 * and `export const connect = serviceFacade(definition)`; the methods are made here, from the
 * definition's specs, so no generated code forwards calls by hand.
 */
import type {
  CallOptions,
  ConnectOptions,
  EventHandler,
  PublishOptions,
  RoutingParams,
  RpcHandler,
  ServiceBus,
  ServiceConnection,
  ServiceHandlers,
} from './api.js';
import type { PublisherSpec, ServiceApi, ServiceDefinition, TypedServiceDefinition } from './definition.js';
import { ConfigError, describeError } from './errors.js';
import { openService } from './service.js';

/** A generated facade's `connect`: resolves once both connections are up and the topology is declared. */
export type Connect<Api extends ServiceApi> = (options?: ConnectOptions) => Promise<ServiceBus<Api>>;

/** `Api` is inferred from the definition's type; its specs' names and payload types were checked against `Api` where the literal was written. */
export function serviceFacade<Api extends ServiceApi>(definition: TypedServiceDefinition<Api>): Connect<Api> {
  return async (options) => typedBus<Api>(definition, await openService(definition, options));
}

/**
 * The one place the typed surface meets the untyped engine, so the typed signature is an overload:
 * every method is made from a spec of `definition`, whose names and validators
 * `TypedServiceDefinition<Api>` tied to `Api`.
 */
function typedBus<Api extends ServiceApi>(
  definition: ServiceDefinition,
  connection: ServiceConnection,
): ServiceBus<Api>;
function typedBus(definition: ServiceDefinition, connection: ServiceConnection): object {
  const publish = Object.fromEntries(definition.publishers.map((spec) => [spec.name, publisher(connection, spec)]));
  const call = Object.fromEntries(
    definition.rpcClients.map((spec) => [
      spec.name,
      (request: unknown, options?: CallOptions) => connection.call(spec.name, request, options),
    ]),
  );
  const subscribed = definition.consumers.filter((spec) => spec.perSubscription);
  const subscriptions = (act: 'subscribe' | 'unsubscribe') =>
    Object.fromEntries(
      subscribed.map((spec) => [spec.name, (params: RoutingParams) => connection[act](spec.name, params)]),
    );
  const onResubscribed = Object.fromEntries(
    subscribed.map((spec) => [
      spec.name,
      (listener: (held: RoutingParams[]) => void) => connection.onResubscribed(spec.name, listener),
    ]),
  );
  return {
    ...(definition.publishers.length > 0 && { publish }),
    ...(definition.rpcClients.length > 0 && { call }),
    ...(subscribed.length > 0 && {
      subscribe: subscriptions('subscribe'),
      unsubscribe: subscriptions('unsubscribe'),
      onResubscribed,
    }),
    // Async: a bad handler object rejects the returned promise like every other start-up failure, never throws past it.
    start: async (handlers: object) => connection.start(runtimeHandlers(definition, handlers)),
    close: () => connection.close(),
    metrics: connection.metrics,
    instanceId: connection.instanceId,
  };
}

/** A publisher takes its routing-key parameters as the second argument when its routing key has any. */
function publisher(connection: ServiceConnection, spec: PublisherSpec) {
  if (spec.parameters.length === 0)
    return (payload: unknown, options?: PublishOptions) => connection.publish(spec.name, {}, payload, options);
  return (payload: unknown, params: RoutingParams, options?: PublishOptions) =>
    connection.publish(spec.name, params, payload, options);
}

/** The service's handler object, split into the runtime's consumers and RPC servers; each handler keeps its `this`. */
function runtimeHandlers(definition: ServiceDefinition, handlers: unknown): ServiceHandlers {
  // A JavaScript caller is not held to the type.
  if (typeof handlers !== 'object' || handlers === null) {
    throw new ConfigError(
      `${definition.service}'s start() takes an object of handlers, one per consumer and RPC server of the contract; got ${handlers === null ? 'null' : typeof handlers}`,
    );
  }
  // Bound: the handler is called as a method of the object the service passed, with nothing allocated per message.
  const method = (name: string): EventHandler & RpcHandler => {
    let handler: unknown;
    try {
      handler = Reflect.get(handlers, name);
    } catch (error) {
      throw new ConfigError(
        `${definition.service}'s handler "${name}" could not be read from the object passed to start(): ${describeError(error)}`,
      );
    }
    if (typeof handler !== 'function')
      throw new ConfigError(
        `${definition.service} has no handler "${name}": pass one for every consumer and RPC server of the contract`,
      );
    const bound: EventHandler & RpcHandler = handler.bind(handlers);
    return bound;
  };
  const consumers: Record<string, EventHandler> = {};
  for (const spec of definition.consumers) consumers[spec.name] = method(spec.name);
  const rpcServers: Record<string, RpcHandler> = {};
  for (const spec of definition.rpcServers) rpcServers[spec.name] = method(spec.name);
  return { consumers, rpcServers };
}
