import { servicePermissions } from '../model/permissions.js';
import type { Model } from '../model/types.js';
import type { GeneratedFile } from './generated-file.js';

/**
 * The vhost every object of `definitions.json` names: RabbitMQ's default, as the contract's AMQP
 * bindings say (`vhost: /`). A vhost-scoped import (`POST /api/definitions/<vhost>`) ignores the
 * vhost keys, users and permissions and puts the topology into `<vhost>`; `npm run broker:provision`
 * creates users and permissions in any vhost.
 */
const DEFINITIONS_VHOST = '/';

/**
 * `definitions.json`: the contract's broker objects in RabbitMQ's definitions format, for
 * `rabbitmqctl import_definitions` (into `/`) or a vhost-scoped import into any vhost (which ignores
 * the vhost's default queue type: `broker:provision` sets it when it creates the vhost). Per-instance
 * queues are left out: each process creates its own. One user per service, named like the service,
 * with no password (nobody can log in as it until `broker:provision` sets one; a global import
 * resets the passwords of existing users, so provision after importing), its permissions and
 * topic permissions. JSON has no comments, so this file carries no "generated" header.
 */
export function emitDefinitions(model: Model): GeneratedFile[] {
  const vhost = DEFINITIONS_VHOST;
  const queues = model.queues.filter((queue) => !queue.perInstance);
  const queueNames = new Set(queues.map((queue) => queue.name));
  const permissions = servicePermissions(model);
  const definitions = {
    // Plain declarations (the Python services) get a queue of the vhost's default type; see vhostDefaultQueueType.
    vhosts: [{ name: vhost, metadata: { description: '', tags: [], default_queue_type: model.defaultQueueType } }],
    users: permissions.map(({ service }) => ({
      name: service,
      password_hash: '',
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: '',
    })),
    permissions: permissions.map(({ service, configure, write, read }) => ({
      user: service,
      vhost,
      configure,
      write,
      read,
    })),
    topic_permissions: permissions.flatMap(({ service, topic }) =>
      topic.map(({ exchange, write, read }) => ({ user: service, vhost, exchange, write, read })),
    ),
    exchanges: model.exchanges.map((exchange) => ({
      name: exchange.name,
      vhost,
      type: exchange.type,
      durable: exchange.durable,
      auto_delete: exchange.autoDelete,
      internal: false,
      arguments: {},
    })),
    queues: queues.map((queue) => ({
      name: queue.name,
      vhost,
      durable: queue.durable,
      auto_delete: queue.autoDelete,
      arguments: queue.arguments,
    })),
    bindings: model.bindings
      .filter((binding) => queueNames.has(binding.queue))
      .map((binding) => ({
        source: binding.exchange,
        vhost,
        destination: binding.queue,
        destination_type: 'queue',
        routing_key: binding.pattern,
        arguments: {},
      })),
    policies: [],
  };
  return [{ path: 'definitions.json', content: `${JSON.stringify(definitions, null, 2)}\n` }];
}
