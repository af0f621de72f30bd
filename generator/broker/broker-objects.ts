/** Exchanges, queues and bindings in the shape both the contract and a live broker are compared in. */
import type { Model } from '../model/types.js';

export type Arguments = Record<string, unknown>;

export interface ExchangeObject {
  name: string;
  type: string;
  durable: boolean;
  autoDelete: boolean;
  arguments: Arguments;
}

export interface QueueObject {
  name: string;
  durable: boolean;
  autoDelete: boolean;
  exclusive: boolean;
  arguments: Arguments;
  /** Read from a broker only: messages in it and its consumers, as the management statistics last saw them. */
  messages?: number;
  consumers?: number;
}

export interface BindingObject {
  exchange: string;
  queue: string;
  routingKey: string;
  /** Read from a broker only: what names the binding in the management API (its key and arguments). */
  propertiesKey?: string;
}

export interface BrokerObjects {
  exchanges: ExchangeObject[];
  queues: QueueObject[];
  bindings: BindingObject[];
  /**
   * The contract only: what a per-subscription consumer may bind at run time, one binding per
   * parameter value (`routingKey` is the template, `session.{session_id}.code_updated`).
   */
  subscribable?: BindingObject[];
}

/** What the contract declares. Per-instance queues are listed by base name; see `perInstanceQueues`. */
export function contractObjects(model: Model): BrokerObjects {
  return {
    exchanges: model.exchanges.map((exchange) => ({
      name: exchange.name,
      type: exchange.type,
      durable: exchange.durable,
      autoDelete: exchange.autoDelete,
      arguments: {},
    })),
    queues: model.queues.map((queue) => ({
      name: queue.name,
      durable: queue.durable,
      autoDelete: queue.autoDelete,
      exclusive: queue.exclusive,
      arguments: queue.arguments,
    })),
    bindings: model.bindings.map((binding) => ({
      exchange: binding.exchange,
      queue: binding.queue,
      routingKey: binding.pattern,
    })),
    subscribable: model.services.flatMap((service) =>
      service.consumes
        .filter((use) => use.perSubscription)
        .map((use) => ({ exchange: use.channel.exchange, queue: use.queue, routingKey: use.channel.routingKey })),
    ),
  };
}

/** Base names of the queues each process instance declares as `<name>.<instanceId>`. */
export function perInstanceQueues(model: Model): string[] {
  return model.queues.filter((queue) => queue.perInstance).map((queue) => queue.name);
}
