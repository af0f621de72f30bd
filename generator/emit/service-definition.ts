import type { ConsumerSpec, PublisherSpec, RpcSpec, ServiceDefinition, Validator } from '../../runtime/definition.js';
import type { Message, Model, Publication, Queue, RpcServe, RpcUse, Service, Subscription } from '../model/types.js';
import { Code } from './literal.js';
import { quote, receivedValidatorName, validatorName } from './names.js';
import { serviceTopology } from './topology-data.js';

/** A runtime seam type as the generator builds it: validators are references to generated code. */
export type Emitted<T> = T extends Validator
  ? Code
  : T extends readonly (infer Item)[]
    ? Emitted<Item>[]
    : T extends object
      ? { [Key in keyof T]: Emitted<T[Key]> }
      : T;

/** Looks up contract objects by name; a dangling name is a model-builder bug, so it throws. */
export class ModelIndex {
  private readonly messages: Map<string, Message>;
  private readonly queues: Map<string, Queue>;

  constructor(model: Model) {
    this.messages = new Map(model.messages.map((message) => [message.name, message]));
    this.queues = new Map(model.queues.map((queue) => [queue.name, queue]));
  }

  message(name: string): Message {
    const message = this.messages.get(name);
    if (message === undefined) throw new Error(`model: no message named ${name}`);
    return message;
  }

  queue(name: string): Queue {
    const queue = this.queues.get(name);
    if (queue === undefined) throw new Error(`model: no queue named ${name}`);
    return queue;
  }

  /** The strict validator, for what a service sends. */
  validator(messageName: string): Code {
    return new Code(validatorName(this.message(messageName).typeName));
  }

  /** The tolerant reader's validator, for what a service receives. */
  receivedValidator(messageName: string): Code {
    return new Code(receivedValidatorName(this.message(messageName).typeName));
  }
}

/** Names of every message a service sends or receives, sorted. */
export function serviceMessageNames(service: Service): string[] {
  return [...new Set([...sentMessageNames(service), ...receivedMessageNames(service)])].sort();
}

/** Messages a service sends (validated strictly): what it publishes, its requests, its replies. */
export function sentMessageNames(service: Service): string[] {
  return sortedUnique([
    ...service.publishes.map((publication) => publication.channel.message),
    ...service.calls.map((use) => use.rpc.requestMessage),
    ...service.serves.map((use) => use.rpc.replyMessage),
  ]);
}

/** Messages a service receives (validated as a tolerant reader): what it consumes, the replies it gets, the requests it serves. */
export function receivedMessageNames(service: Service): string[] {
  return sortedUnique([
    ...service.consumes.map((subscription) => subscription.channel.message),
    ...service.calls.map((use) => use.rpc.replyMessage),
    ...service.serves.map((use) => use.rpc.requestMessage),
  ]);
}

function sortedUnique(names: string[]): string[] {
  return [...new Set(names)].sort();
}

function publisherSpec(index: ModelIndex, publication: Publication): Emitted<PublisherSpec> {
  const { channel } = publication;
  return {
    name: publication.methodName,
    message: channel.message,
    exchange: channel.exchange,
    routingKey: channel.routingKey,
    parameters: channel.parameters.map((parameter) => parameter.name),
    mandatory: publication.mandatory,
    persistent: publication.persistent,
    validate: index.validator(channel.message),
  };
}

/** The services that publish on a channel: the only ones whose messages a consumer of it accepts as verified. */
function publishersOf(model: Model, channelId: string): string[] {
  return model.services
    .filter((service) => service.publishes.some((publication) => publication.channel.id === channelId))
    .map((service) => service.name);
}

function callersOf(model: Model, rpcId: string): string[] {
  return model.services
    .filter((service) => service.calls.some((use) => use.rpc.id === rpcId))
    .map((service) => service.name);
}

function consumerSpec(model: Model, index: ModelIndex, subscription: Subscription): Emitted<ConsumerSpec> {
  const { channel } = subscription;
  const queue = index.queue(subscription.queue);
  const delaysMs = queue.retry?.delaysMs ?? [];
  const retryQueues = queue.retryQueues ?? [];
  if (retryQueues.length !== delaysMs.length) {
    throw new Error(`model: queue ${queue.name} has ${retryQueues.length} retry queues for ${delaysMs.length} delays`);
  }
  return {
    name: subscription.methodName,
    message: channel.message,
    exchange: channel.exchange,
    routingKey: channel.routingKey,
    parameters: channel.parameters.map((parameter) => parameter.name),
    queue: queue.name,
    validate: index.receivedValidator(channel.message),
    retry: {
      maxAttempts: queue.retry?.maxAttempts ?? 1,
      delayQueues: retryQueues.map((name, n) => ({ queue: name, delayMs: delaysMs[n] ?? 0 })),
    },
    deadLetterQueue: queue.deadLetterQueue,
    prefetch: queue.prefetch,
    maxMessageBytes: queue.maxMessageBytes,
    publishers: publishersOf(model, channel.id),
    unverifiedOrigin: subscription.unverifiedOrigin,
    ...(subscription.perSubscription ? { perSubscription: true } : {}),
  };
}

function rpcServerSpec(model: Model, index: ModelIndex, use: RpcServe): Emitted<RpcSpec> {
  return {
    ...rpcSpec(index, use, 'server'),
    callers: callersOf(model, use.rpc.id),
    unverifiedOrigin: use.unverifiedOrigin,
  };
}

/** A caller sends the request and receives the reply; a server the other way round. */
function rpcSpec(index: ModelIndex, use: RpcUse, side: 'caller' | 'server'): Emitted<RpcSpec> {
  const { rpc } = use;
  return {
    name: use.methodName,
    queue: rpc.queue,
    requestMessage: rpc.requestMessage,
    replyMessage: rpc.replyMessage,
    validateRequest:
      side === 'caller' ? index.validator(rpc.requestMessage) : index.receivedValidator(rpc.requestMessage),
    validateReply: side === 'caller' ? index.receivedValidator(rpc.replyMessage) : index.validator(rpc.replyMessage),
  };
}

/** `pickTopology(topology, { exchanges, queues })`: the service's part, named, not repeated. */
function pickedTopology(model: Model, service: Service): Code {
  const { exchanges, queues } = serviceTopology(model, service);
  const names = (objects: { name: string }[]) => `[${objects.map((object) => quote(object.name)).join(', ')}]`;
  return new Code(`pickTopology(topology, { exchanges: ${names(exchanges)}, queues: ${names(queues)} })`);
}

export type EmittedDefinition = Omit<Emitted<ServiceDefinition>, 'topology'> & { topology: Code };

/** The `ServiceDefinition` a service's facade hands to `serviceFacade`; its topology is picked from `topology.ts`. */
export function serviceDefinition(model: Model, service: Service): EmittedDefinition {
  const index = new ModelIndex(model);
  return {
    service: service.name,
    services: model.services.map((each) => each.name),
    topology: pickedTopology(model, service),
    publishers: service.publishes.map((publication) => publisherSpec(index, publication)),
    consumers: service.consumes.map((subscription) => consumerSpec(model, index, subscription)),
    rpcClients: service.calls.map((use) => rpcSpec(index, use, 'caller')),
    rpcServers: service.serves.map((use) => rpcServerSpec(model, index, use)),
  };
}
