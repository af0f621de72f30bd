import { isObject, entriesOf, optionalString, type JsonObject } from './json.js';
import { readRpcQueueBinding, type ExchangeOptions, type RpcQueueOptions } from './extensions.js';
import type { MessageCatalog } from './messages.js';
import { isCamelCaseIdentifier, toCamelCase } from './naming.js';
import type { DefinitionReader, JsonPath, Problems } from './problem.js';
import { bindingPattern, partialParameterSegments, routingKeyParameters } from './routing-key.js';
import type { EventChannel } from './types.js';

/** What a channel is, from its AMQP binding. */
export type ChannelInfo = EventChannelInfo | RpcChannelInfo | UnboundChannelInfo;

interface ChannelBase {
  id: string;
  path: JsonPath;
  description?: string;
  /** The single message it carries; `undefined` when it carries none or several. */
  message: string | undefined;
}

/** `bindings.amqp.is: routingKey`: events on an exchange. */
export interface EventChannelInfo extends ChannelBase {
  kind: 'event';
  channel: EventChannel;
  exchange: ExchangeOptions;
}

/** `bindings.amqp.is: queue`: an RPC request queue behind the default exchange. */
export interface RpcChannelInfo extends ChannelBase {
  kind: 'rpc';
  queue: RpcQueueOptions & { name: string };
}

/** No AMQP binding: only usable as an RPC reply channel (the reply goes to `reply_to`). */
export interface UnboundChannelInfo extends ChannelBase {
  kind: 'unbound';
}

/**
 * Every channel of the document, keyed by its resolved object (operations and replies point at
 * that very object). `undefined` for a channel that is unusable; its problems are reported.
 */
export type ChannelMap = Map<unknown, ChannelInfo | undefined>;

export function readChannels(
  channels: unknown,
  messages: MessageCatalog,
  readExchange: DefinitionReader<ExchangeOptions>,
  problems: Problems,
): ChannelMap {
  const result: ChannelMap = new Map();
  for (const [id, value] of entriesOf(channels)) {
    result.set(
      value,
      isObject(value) ? readChannel(id, value, ['channels', id], messages, readExchange, problems) : undefined,
    );
  }
  return result;
}

function readChannel(
  id: string,
  channel: JsonObject,
  path: JsonPath,
  messages: MessageCatalog,
  readExchange: DefinitionReader<ExchangeOptions>,
  problems: Problems,
): ChannelInfo | undefined {
  const messageNames = entriesOf(channel['messages']).map(([key, message]) =>
    messages.add(message, [...path, 'messages', key]),
  );
  const description = optionalString(channel['description']);
  const base: ChannelBase = {
    id,
    path,
    ...(description === undefined ? {} : { description }),
    message: messageNames.length === 1 ? messageNames[0] : undefined,
  };
  const amqp = isObject(channel['bindings']) ? channel['bindings']['amqp'] : undefined;
  if (!isObject(amqp)) return { ...base, kind: 'unbound' };

  if (!isCamelCaseIdentifier(id)) {
    problems.add(
      path,
      'invalid-channel-id',
      `channel id "${id}" is not a camelCase identifier`,
      `it becomes a method name in the generated facades: try "${toCamelCase(id)}"`,
    );
  }
  if (messageNames.length !== 1) {
    problems.add(
      [...path, 'messages'],
      'channel-messages',
      `channel "${id}" carries ${messageNames.length} messages; a channel with an AMQP binding carries exactly one`,
      'give each message its own channel',
    );
  }
  const address = channel['address'];
  if (typeof address !== 'string' || address.length === 0) {
    problems.add(
      [...path, 'address'],
      'invalid-address',
      `channel "${id}" has no address`,
      amqp['is'] === 'queue' ? 'the address is the RPC queue name' : 'the address is the routing key',
    );
    return undefined;
  }
  const bindingPath = [...path, 'bindings', 'amqp'];
  if (amqp['is'] === 'queue') return readRpcChannel(base, address, amqp, bindingPath, problems);
  if (amqp['exchange'] === undefined) {
    problems.add(
      bindingPath,
      'missing-exchange',
      `channel "${id}" is routed by routing key but names no exchange`,
      "add exchange: { $ref: '#/components/x-exchanges/<name>' } under bindings.amqp",
    );
    return undefined;
  }
  return readEventChannel(
    base,
    address,
    channel,
    readExchange(amqp['exchange'], [...bindingPath, 'exchange']),
    problems,
  );
}

function readEventChannel(
  base: ChannelBase,
  address: string,
  channel: JsonObject,
  exchange: ExchangeOptions | undefined,
  problems: Problems,
): EventChannelInfo | undefined {
  for (const segment of partialParameterSegments(address)) {
    problems.add(
      [...base.path, 'address'],
      'routing-key-parameter',
      `routing key "${address}" has a parameter inside the segment "${segment}"`,
      'a topic binding can only match whole segments: make the parameter a segment of its own, e.g. "user.{user_id}.created"',
    );
  }
  if (exchange === undefined || base.message === undefined) return undefined;
  const declared = isObject(channel['parameters']) ? channel['parameters'] : {};
  const parameters = routingKeyParameters(address).map((name) => {
    const parameter = declared[name];
    const description = isObject(parameter) ? optionalString(parameter['description']) : undefined;
    return description === undefined ? { name } : { name, description };
  });
  return {
    ...base,
    kind: 'event',
    exchange,
    channel: {
      id: base.id,
      ...(base.description === undefined ? {} : { description: base.description }),
      exchange: exchange.name,
      routingKey: address,
      parameters,
      pattern: bindingPattern(address),
      message: base.message,
    },
  };
}

function readRpcChannel(
  base: ChannelBase,
  address: string,
  amqp: JsonObject,
  bindingPath: JsonPath,
  problems: Problems,
): RpcChannelInfo | undefined {
  const queue = readRpcQueueBinding(amqp['queue'], [...bindingPath, 'queue'], problems);
  if (queue === undefined) return undefined;
  if (queue.name !== undefined && queue.name !== address) {
    problems.add(
      [...bindingPath, 'queue', 'name'],
      'rpc-queue-name',
      `RPC channel "${base.id}" has address "${address}" but queue name "${queue.name}"`,
      'callers publish to the default exchange with the address as routing key, so the queue name must equal the address',
    );
  }
  if (routingKeyParameters(address).length > 0) {
    problems.add(
      [...base.path, 'address'],
      'routing-key-parameter',
      `RPC channel "${base.id}" has parameters in its queue name "${address}"`,
      'an RPC queue has one fixed name; put variable data in the request payload',
    );
  }
  return { ...base, kind: 'rpc', queue: { ...queue, name: address } };
}
