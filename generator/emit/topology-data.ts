import type { BindingSpec, ExchangeSpec, QueueSpec, Topology } from '../../runtime/definition.js';
import type { Binding, Exchange, Model, Queue, Service } from '../model/types.js';

/** The model's objects in the runtime's terms (`runtime/definition.ts`). */

function exchangeSpec(exchange: Exchange): ExchangeSpec {
  return { name: exchange.name, type: exchange.type, durable: exchange.durable, autoDelete: exchange.autoDelete };
}

function queueSpec(queue: Queue): QueueSpec {
  return {
    name: queue.name,
    role: queue.role,
    durable: queue.durable,
    exclusive: queue.exclusive,
    autoDelete: queue.autoDelete,
    perInstance: queue.perInstance,
    arguments: queue.arguments,
  };
}

function bindingSpec(binding: Binding): BindingSpec {
  return { exchange: binding.exchange, queue: binding.queue, pattern: binding.pattern };
}

function topology(exchanges: Exchange[], queues: Queue[], bindings: Binding[]): Topology {
  return { exchanges: exchanges.map(exchangeSpec), queues: queues.map(queueSpec), bindings: bindings.map(bindingSpec) };
}

/** Every exchange, queue and binding of the contract. */
export function contractTopology(model: Model): Topology {
  return topology(model.exchanges, model.queues, model.bindings);
}

/**
 * What one service declares on (re)connect: the queues it owns (consumer, retry, dead-letter and
 * the RPC queues it serves), their bindings, and the exchanges it publishes to or binds to (a
 * per-subscription consumer's queue has no binding here: the runtime binds it per subscription).
 * RPC request queues it only calls are not declared: an RPC nobody serves fails fast as unroutable.
 */
export function serviceTopology(model: Model, service: Service): Topology {
  const queues = model.queues.filter((queue) => queue.owner === service.name);
  const queueNames = new Set(queues.map((queue) => queue.name));
  const bindings = model.bindings.filter((binding) => queueNames.has(binding.queue));
  const exchangeNames = new Set([
    ...service.publishes.map((publication) => publication.channel.exchange),
    ...bindings.map((binding) => binding.exchange),
    ...service.consumes
      .filter((subscription) => subscription.perSubscription)
      .map((subscription) => subscription.channel.exchange),
  ]);
  const exchanges = model.exchanges.filter((exchange) => exchangeNames.has(exchange.name));
  return topology(exchanges, queues, bindings);
}
