/**
 * Declares a service's exchanges, queues and bindings. Per-instance queues get the instance id
 * appended and are exclusive to this connection. A declaration the broker refuses because the
 * object exists with other settings (406) becomes a `TopologyConflictError` naming both. An
 * exchange the user may not configure (403: it only binds to it) is checked for existence instead.
 */
import type { Channel, ChannelModel } from 'amqplib';
import type { QueueSpec, Topology } from './definition.js';
import { MissingExchangeError, TopologyConflictError } from './errors.js';

/** Maps a queue's base name (as the definition uses it) to its name on the broker. */
export class QueueNames {
  private readonly perInstance: Set<string>;

  constructor(
    topology: Topology,
    private readonly instanceId: string,
  ) {
    this.perInstance = new Set(topology.queues.filter((q) => q.perInstance).map((q) => q.name));
  }

  resolve(baseName: string): string {
    return this.perInstance.has(baseName) ? `${baseName}.${this.instanceId}` : baseName;
  }
}

export async function declareTopology(model: ChannelModel, topology: Topology, names: QueueNames): Promise<void> {
  // A refused declaration closes its channel, so this one lives only for the declarations.
  let channel = await openDeclarationChannel(model);
  try {
    for (const exchange of topology.exchanges) {
      try {
        await declare('exchange', exchange.name, describeExchange(exchange), () =>
          channel.assertExchange(exchange.name, exchange.type, {
            durable: exchange.durable,
            autoDelete: exchange.autoDelete,
          }),
        );
      } catch (error) {
        // A least-privilege user may declare only the exchanges it publishes to; one it binds to must exist.
        if (!isAccessRefused(error)) throw error;
        channel = await openDeclarationChannel(model);
        await channel.checkExchange(exchange.name).catch(() => {
          throw new MissingExchangeError(exchange.name);
        });
      }
    }
    for (const queue of topology.queues) {
      const name = names.resolve(queue.name);
      await declare('queue', name, describeQueue(queue), () => assertQueue(channel, name, queue));
    }
    for (const binding of topology.bindings) {
      await channel.bindQueue(names.resolve(binding.queue), binding.exchange, binding.pattern);
    }
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/**
 * Declares one queue of the topology again, with its bindings: one an operator deleted while we
 * run. False if `queueName` (its name on the broker) is not in the topology.
 */
export async function redeclareQueue(
  model: ChannelModel,
  topology: Topology,
  names: QueueNames,
  queueName: string,
): Promise<boolean> {
  const queue = topology.queues.find((candidate) => names.resolve(candidate.name) === queueName);
  if (!queue) return false;
  const channel = await openDeclarationChannel(model);
  try {
    await declare('queue', queueName, describeQueue(queue), () => assertQueue(channel, queueName, queue));
    for (const binding of topology.bindings.filter((candidate) => candidate.queue === queue.name)) {
      await channel.bindQueue(queueName, binding.exchange, binding.pattern);
    }
  } finally {
    await channel.close().catch(() => undefined);
  }
  return true;
}

async function openDeclarationChannel(model: ChannelModel): Promise<Channel> {
  const channel = await model.createChannel();
  channel.on('error', () => undefined);
  return channel;
}

function isAccessRefused(error: unknown): boolean {
  return /\b403\b|ACCESS[_-]REFUSED/.test(error instanceof Error ? error.message : String(error));
}

function assertQueue(channel: Channel, name: string, queue: QueueSpec): Promise<unknown> {
  return channel.assertQueue(name, {
    durable: queue.durable,
    exclusive: queue.exclusive || queue.perInstance,
    autoDelete: queue.autoDelete,
    arguments: queue.arguments,
  });
}

async function declare(
  kind: 'exchange' | 'queue',
  name: string,
  wanted: Record<string, unknown>,
  run: () => Promise<unknown>,
): Promise<void> {
  try {
    await run();
  } catch (error) {
    const conflict = asConflict(kind, name, wanted, error);
    throw conflict ?? error;
  }
}

/**
 * The broker names the first inequivalent setting in its 406 text, e.g.
 * "inequivalent arg 'x-queue-type' for queue 'q' in vhost 'v': received the value 'quorum' of type
 * 'longstr' but current value is none". AMQP offers no way to read the other settings back.
 */
function asConflict(
  kind: 'exchange' | 'queue',
  name: string,
  wanted: Record<string, unknown>,
  error: unknown,
): TopologyConflictError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!/\b406\b|PRECONDITION[_-]FAILED/.test(text)) return undefined;
  const brokerMessage = /PRECONDITION_FAILED - ([^"]+)/.exec(text)?.[1] ?? text;
  const arg = /inequivalent arg '([^']+)'.*?: received (.+?) but current (?:value )?is (.+)$/.exec(brokerMessage);
  const differences = arg
    ? [`${arg[1]}: we declare ${arg[2]}, the broker has ${arg[3]}`]
    : [`we declare ${JSON.stringify(wanted)}`];
  return new TopologyConflictError(kind, name, differences, brokerMessage);
}

function describeExchange(exchange: Topology['exchanges'][number]): Record<string, unknown> {
  return { type: exchange.type, durable: exchange.durable, autoDelete: exchange.autoDelete };
}

function describeQueue(queue: QueueSpec): Record<string, unknown> {
  return {
    durable: queue.durable,
    exclusive: queue.exclusive || queue.perInstance,
    autoDelete: queue.autoDelete,
    arguments: queue.arguments,
  };
}
