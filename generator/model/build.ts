/**
 * Builds the model from the resolved AsyncAPI document (`document.json()` of @asyncapi/parser:
 * `$ref`s already replaced by the objects they point at). Pure: no I/O, no parser types.
 */
import { compareText } from '../diagnostics.js';
import { PayloadSchemaCompiler } from './ajv.js';
import { readChannels } from './channels.js';
import {
  DEFAULT_UNVERIFIED_ORIGIN,
  readExchangeOptions,
  readQueueOptions,
  readServiceDeclarations,
  type ServiceDeclaration,
} from './extensions.js';
import { entriesOf, isObject, optionalString } from './json.js';
import { MessageCatalog } from './messages.js';
import { SchemaComponents } from './schema-components.js';
import { readOperations, type OperationInfo, type RpcOperation } from './operations.js';
import { Problems, type DefinitionReader, type JsonPath, type SpecProblem } from './problem.js';
import { consumerQueues, rpcQueue, vhostDefaultQueueType } from './queues.js';
import { NamedRegistry } from './registry.js';
import type { Binding, Exchange, Model, Queue, Rpc, RpcUse, Service } from './types.js';

export type BuildResult = { model: Model } | { problems: SpecProblem[] };

/** Shared by every build in the process: a schema seen before is not compiled again. */
const payloadSchemas = new PayloadSchemaCompiler();

export function buildModel(document: unknown): BuildResult {
  const problems = new Problems();
  const doc = isObject(document) ? document : {};
  const services = readServiceDeclarations(doc['x-services'], problems);
  const components = isObject(doc['components']) ? doc['components'] : {};
  const readQueue = reusableReader(readQueueOptions, components['x-queues'], ['components', 'x-queues'], problems);
  const readExchange = reusableReader(
    readExchangeOptions,
    components['x-exchanges'],
    ['components', 'x-exchanges'],
    problems,
  );

  const schemaComponents = new SchemaComponents(problems);
  const messages = new MessageCatalog(
    payloadSchemas,
    schemaComponents,
    optionalString(doc['defaultContentType']) ?? 'application/json',
    problems,
  );
  const channels = readChannels(doc['channels'], messages, readExchange, problems);
  const operations = readOperations(
    doc['operations'],
    channels,
    services.map((s) => s.name),
    readQueue,
    problems,
  );
  const eventChannels = [...channels.values()].flatMap((info) => (info?.kind === 'event' ? [info] : []));

  const exchanges = new NamedRegistry<Exchange>('exchange', problems);
  for (const channel of eventChannels)
    exchanges.declare(channel.exchange, [...channel.path, 'bindings', 'amqp', 'exchange'], `channel "${channel.id}"`);
  const queues = new NamedRegistry<Queue>('queue', problems);
  const rpcs = buildRpcs(operations, queues, problems);
  const bindings = new Map<string, Binding>();
  for (const operation of operations) {
    if (operation.kind !== 'consume') continue;
    for (const queue of consumerQueues(operation.queue, operation.owner))
      queues.declare(queue, [...operation.path, 'x-queue'], `operation "${operation.id}"`);
    if (operation.queue.bindings === 'per-subscription') continue;
    const binding = {
      exchange: operation.channel.exchange.name,
      queue: operation.queue.name,
      pattern: operation.channel.channel.pattern,
    };
    bindings.set(JSON.stringify(binding), binding);
  }
  const modelServices = services.map((service) => buildService(service, operations, rpcs, problems));
  messages.checkTypeNames();

  if (!problems.empty) return { problems: problems.list };
  const info = isObject(doc['info']) ? doc['info'] : {};
  const description = optionalString(info['description']);
  return {
    model: {
      title: optionalString(info['title']) ?? '',
      version: optionalString(info['version']) ?? '',
      ...(description === undefined ? {} : { description }),
      services: sortBy(modelServices, (s) => s.name),
      exchanges: sortBy(exchanges.list(), (e) => e.name),
      queues: sortBy(queues.list(), (q) => q.name),
      defaultQueueType: vhostDefaultQueueType(queues.list()),
      bindings: sortBy([...bindings.values()], (b) => `${b.exchange}\u0000${b.queue}\u0000${b.pattern}`),
      channels: sortBy(
        eventChannels.map((c) => c.channel),
        (c) => c.id,
      ),
      rpcs: sortBy([...rpcs.values()], (r) => r.id),
      messages: sortBy(messages.list(), (m) => m.name),
      schemas: sortBy(schemaComponents.list(), (s) => s.name),
    },
  };
}

/**
 * Reads each reusable definition (`components.x-queues`, `components.x-exchanges`) once, at its
 * own path, even when nothing references it yet. A reference resolves to the very same object,
 * so it reuses that result instead of reporting the definition's problems again at every use.
 */
function reusableReader<T>(
  read: (value: unknown, path: JsonPath, problems: Problems) => T | undefined,
  definitions: unknown,
  definitionsPath: JsonPath,
  problems: Problems,
): DefinitionReader<T> {
  const results = new Map<unknown, T | undefined>();
  for (const [key, value] of entriesOf(definitions)) {
    if (isObject(value)) results.set(value, read(value, [...definitionsPath, key], problems));
  }
  return (value, path) => (results.has(value) ? results.get(value) : read(value, path, problems));
}

/** One `Rpc` per request channel that operations use, with its queue owned by the one serving service. */
function buildRpcs(operations: OperationInfo[], queues: NamedRegistry<Queue>, problems: Problems): Map<string, Rpc> {
  const byChannel = new Map<string, RpcOperation[]>();
  for (const operation of operations) {
    if (operation.kind === 'call' || operation.kind === 'serve')
      byChannel.set(operation.channel.id, [...(byChannel.get(operation.channel.id) ?? []), operation]);
  }
  const rpcs = new Map<string, Rpc>();
  for (const [id, uses] of byChannel) {
    const first = uses[0];
    if (first === undefined) continue;
    for (const use of uses) {
      if (use.replyMessage !== first.replyMessage) {
        problems.add(
          [...use.path, 'reply'],
          'rpc-reply-mismatch',
          `operation "${use.id}" expects reply "${use.replyMessage}" from RPC "${id}", but operation "${first.id}" says "${first.replyMessage}"`,
          'every caller and the server of one RPC must use the same reply channel',
        );
      }
    }
    const server = checkSingleServer(id, uses, problems);
    const requestMessage = first.channel.message;
    if (server === undefined || requestMessage === undefined) continue;
    queues.declare(
      rpcQueue(first.channel.queue, server),
      [...first.channel.path, 'bindings', 'amqp', 'queue'],
      `RPC channel "${id}"`,
    );
    rpcs.set(id, {
      id,
      ...(first.channel.description === undefined ? {} : { description: first.channel.description }),
      queue: first.channel.queue.name,
      requestMessage,
      replyMessage: first.replyMessage,
    });
  }
  return rpcs;
}

/** The service that serves the RPC, when exactly one does. */
function checkSingleServer(id: string, uses: RpcOperation[], problems: Problems): string | undefined {
  const servers = uses.filter((use) => use.kind === 'serve');
  const [server, ...others] = servers;
  if (server === undefined) {
    const caller = uses[0];
    if (caller !== undefined) {
      problems.add(
        caller.path,
        'rpc-without-server',
        `RPC "${id}" is called by operation "${caller.id}" but no service serves it`,
        `add a receive operation with a reply on channel "${id}", owned by the service that answers`,
      );
    }
    return undefined;
  }
  const rival = others.find((other) => other.owner !== server.owner);
  if (rival !== undefined) {
    problems.add(
      rival.path,
      'rpc-with-several-servers',
      `RPC "${id}" is served by both "${server.owner}" (operation "${server.id}") and "${rival.owner}" (operation "${rival.id}")`,
      'one service answers an RPC; its instances share the queue',
    );
    return undefined;
  }
  return server.owner;
}

const VERB = { publish: 'publishes to', consume: 'consumes', call: 'calls', serve: 'serves' } as const;

function buildService(
  declaration: ServiceDeclaration,
  operations: OperationInfo[],
  rpcs: Map<string, Rpc>,
  problems: Problems,
): Service {
  const owned = operations.filter((operation) => operation.owner === declaration.name);
  if (owned.length === 0) {
    problems.add(
      ['x-services', declaration.name],
      'service-without-operations',
      `service "${declaration.name}" owns no operation`,
      'give it an operation with x-service, or remove it from x-services',
    );
  }
  checkDuplicateOperations(declaration.name, owned, problems);
  const service: Service = {
    name: declaration.name,
    ...(declaration.description === undefined ? {} : { description: declaration.description }),
    publishes: [],
    consumes: [],
    calls: [],
    serves: [],
  };
  for (const operation of sortBy(owned, (o) => `${o.channel.id}\u0000${o.id}`)) {
    const use = {
      operationId: operation.id,
      methodName: operation.channel.id,
      ...(operation.description === undefined ? {} : { description: operation.description }),
    };
    if (operation.kind === 'publish')
      service.publishes.push({
        ...use,
        channel: operation.channel.channel,
        mandatory: operation.mandatory,
        persistent: operation.persistent,
      });
    if (operation.kind === 'consume')
      service.consumes.push({
        ...use,
        channel: operation.channel.channel,
        queue: operation.queue.name,
        unverifiedOrigin: operation.unverifiedOrigin,
        perSubscription: operation.queue.bindings === 'per-subscription',
      });
    if (operation.kind === 'call' || operation.kind === 'serve') {
      const rpc = rpcs.get(operation.channel.id);
      if (rpc === undefined) continue;
      const rpcUse: RpcUse = { ...use, rpc };
      if (operation.kind === 'call') service.calls.push(rpcUse);
      else
        service.serves.push({ ...rpcUse, unverifiedOrigin: operation.unverifiedOrigin ?? DEFAULT_UNVERIFIED_ORIGIN });
    }
  }
  return service;
}

/** The channel id is the method name on the facade, so one service cannot use a channel twice the same way. */
function checkDuplicateOperations(service: string, owned: OperationInfo[], problems: Problems): void {
  const seen = new Map<string, OperationInfo>();
  for (const operation of owned) {
    const key = `${operation.kind}:${operation.channel.id}`;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, operation);
      continue;
    }
    problems.add(
      operation.path,
      'duplicate-operation',
      `service "${service}" ${VERB[operation.kind]} channel "${operation.channel.id}" twice: operations "${earlier.id}" and "${operation.id}"`,
      'the channel id is the method name in the facade: keep one operation per service, action and channel',
    );
  }
}

function sortBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => compareText(key(a), key(b)));
}
