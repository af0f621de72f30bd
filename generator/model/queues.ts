import { DEFAULT_PREFETCH, type QueueOptions } from './extensions.js';
import { deadLetterQueueName, retryPolicy, retryQueueName } from './retry.js';
import type { Queue } from './types.js';

/**
 * A consumer queue with its retry and dead-letter queues. Without retries (one attempt) it has
 * neither `retry` nor `retryQueues`. The consumer queue gets no
 * dead-letter arguments: the runtime republishes failed messages to the retry or dead-letter
 * queue itself, so a Python consumer that declares the same queue plainly keeps working.
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
    arguments: options.type === 'quorum' ? { 'x-queue-type': 'quorum' } : {},
    ...(retry.maxAttempts > 1 ? { retry, retryQueues } : {}),
    ...(deadLetterQueue === undefined ? {} : { deadLetterQueue }),
    prefetch: options.prefetch,
    ...(options.maxMessageBytes === undefined ? {} : { maxMessageBytes: options.maxMessageBytes }),
    owner,
  };
  const delayQueues = [...new Set(retry.delaysMs)].map((delayMs) =>
    parkingQueue(retryQueueName(options.name, delayMs), 'retry', owner, {
      'x-message-ttl': delayMs,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': options.name,
    }),
  );
  const deadLetter = deadLetterQueue === undefined ? [] : [parkingQueue(deadLetterQueue, 'dead-letter', owner, {})];
  return [consumer, ...delayQueues, ...deadLetter];
}

export function rpcQueue(queue: { name: string; durable: boolean; exclusive: boolean; autoDelete: boolean }, owner: string): Queue {
  return {
    name: queue.name,
    role: 'rpc',
    queueType: 'classic',
    durable: queue.durable,
    exclusive: queue.exclusive,
    autoDelete: queue.autoDelete,
    perInstance: false,
    arguments: {},
    prefetch: DEFAULT_PREFETCH,
    owner,
  };
}

/** Retry and dead-letter queues: durable classic queues that no service consumes (prefetch 0). */
function parkingQueue(name: string, role: 'retry' | 'dead-letter', owner: string, args: Queue['arguments']): Queue {
  return { name, role, queueType: 'classic', durable: true, exclusive: false, autoDelete: false, perInstance: false, arguments: args, prefetch: 0, owner };
}
