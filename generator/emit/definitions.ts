import type { Model } from '../model/types.js';
import type { GeneratedFile } from './generated-file.js';

/**
 * `definitions.json`: the contract's broker objects in RabbitMQ's definitions format, without
 * vhost keys so that it can be imported into any vhost (`POST /api/definitions/<vhost>`, or
 * `rabbitmqadmin import`). Per-instance queues are left out: each process creates its own.
 * JSON has no comments, so this file carries no "generated" header.
 */
export function emitDefinitions(model: Model): GeneratedFile[] {
  const queues = model.queues.filter((queue) => !queue.perInstance);
  const queueNames = new Set(queues.map((queue) => queue.name));
  const definitions = {
    exchanges: model.exchanges.map((exchange) => ({
      name: exchange.name,
      type: exchange.type,
      durable: exchange.durable,
      auto_delete: exchange.autoDelete,
      internal: false,
      arguments: {},
    })),
    queues: queues.map((queue) => ({
      name: queue.name,
      durable: queue.durable,
      auto_delete: queue.autoDelete,
      arguments: queue.arguments,
    })),
    bindings: model.bindings
      .filter((binding) => queueNames.has(binding.queue))
      .map((binding) => ({
        source: binding.exchange,
        destination: binding.queue,
        destination_type: 'queue',
        routing_key: binding.pattern,
        arguments: {},
      })),
    policies: [],
  };
  return [{ path: 'definitions.json', content: `${JSON.stringify(definitions, null, 2)}\n` }];
}
