import { DEFAULT_PREFETCH, type QueueOptions, type QueueType, type RpcQueueOptions } from './extensions.js';
import { deadLetterQueueName, retryPolicy, retryQueueName } from './retry.js';
import type { Queue } from './types.js';

/**
 * A consumer queue with its retry and dead-letter queues, all of the consumer queue's type. Without
 * retries (one attempt) it has neither `retry` nor `retryQueues`. The consumer queue gets no
 * argument but its type (no dead-letter exchange, no delivery limit): the runtime republishes
 * failed messages to the retry or dead-letter queue itself, so a Python consumer that declares the
 * same queue plainly keeps working (in a vhost whose default queue type is the queue's type).
 */
export function consumerQueues(options: QueueOptions, owner: string): Queue[] {
  const retry = retryPolicy(options.retry);
  const retryQueues = retry.delaysMs.map((delayMs) => retryQueueName(options.name, delayMs));
  const deadLetterQueue = options.deadLetter ? deadLetterQueueName(options.name) : undefined;
  const consumer: Queue = {
    name: options.name,
    role: 'consumer',
    queueType: options.type,
    durable: options.durable,
    exclusive: options.exclusive,
    autoDelete: options.exclusive,
    perInstance: options.exclusive,
    perSubscription: options.bindings === 'per-subscription',
    arguments: options.exclusive ? {} : typeArgument(options.type),
    ...(retry.maxAttempts > 1 ? { retry, retryQueues } : {}),
    ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
    prefetch: options.prefetch,
    ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    owner,
  };
  const delayQueues = [...new Set(retry.delaysMs)].map((delayMs) =>
    parkingQueue(retryQueueName(options.name, delayMs), 'retry', options.type, owner, {
      'x-message-ttl': delayMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': options.name,
      // A message expiring while the queue's leader changes must not be lost on its way back:
      // at-least-once dead-lettering (quorum only) requires that a full queue refuse publishes.
      ...(options.type === 'quorum'
        ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }
        : {}),
    }),
  );
  const deadLetter =
    deadLetterQueue === undefined ? [] : [parkingQueue(deadLetterQueue, 'dead-letter', options.type, owner, {})];
  return [consumer, ...delayQueues, ...deadLetter];
}

export function rpcQueue(queue: RpcQueueOptions & { name: string }, owner: string): Queue {
  return {
    name: queue.name,
    role: 'rpc',
    queueType: queue.type,
    durable: queue.durable,
    exclusive: queue.exclusive,
    autoDelete: queue.autoDelete,
    perInstance: false,
    perSubscription: false,
    arguments: queue.exclusive ? {} : typeArgument(queue.type),
    prefetch: DEFAULT_PREFETCH,
    owner,
  };
}

/** Retry and dead-letter queues: durable queues that no service consumes (prefetch 0). */
function parkingQueue(
  name: string,
  role: 'retry' | 'dead-letter',
  queueType: QueueType,
  owner: string,
  args: Queue['arguments'],
): Queue {
  return {
    name,
    role,
    queueType,
    durable: true,
    exclusive: false,
    autoDelete: false,
    perInstance: false,
    perSubscription: false,
    arguments: { ...typeArgument(queueType), ...args },
    prefetch: 0,
    owner,
  };
}

/**
 * Shared queues name their type: in a vhost whose default is quorum, a queue declared with no type
 * is a quorum queue. Exclusive queues need none (the broker makes them classic in any vhost).
 */
function typeArgument(type: QueueType): Queue['arguments'] {
  return { 'x-queue-type': type };
}

/**
 * The vhost's default queue type the contract needs: a peer that declares a queue with no
 * arguments (the Python services) gets a queue of the vhost's default type, and RabbitMQ refuses
 * (406) a plain declaration of an existing queue of another type. Quorum unless every durable
 * consumer queue is classic.
 */
export function vhostDefaultQueueType(queues: readonly Queue[]): QueueType {
  const shared = queues.filter((queue) => queue.role === 'consumer' && queue.durable);
  return shared.length > 0 && shared.every((queue) => queue.queueType === 'classic') ? 'classic' : 'quorum';
}
