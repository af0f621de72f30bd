/**
 * Hand-built service definitions for the runtime's integration tests (no generator involved):
 * a small shop whose `orders` service publishes order events, consumes them with retry and a
 * dead-letter queue, and calls / serves a `price.quote` RPC. Validators are compiled with ajv.
 */
import type { ConsumerSpec, RpcSpec, ServiceDefinition } from '../../../runtime/index.js';
import { plainDurableQueue, validator } from '../../support/definitions.js';

export { testLogger, validator } from '../../support/definitions.js';

export const EXCHANGE = 'shop.events';
export const ORDERS_QUEUE = 'billing.orders';
export const DEAD_LETTER_QUEUE = 'billing.orders.dead-letter';
export const RETRY_DELAYS_MS = [100, 200];
export const RPC_QUEUE = 'price.quote';

export interface OrderPlaced {
  order_id: string;
  amount: number;
}

const orderPlacedSchema = {
  type: 'object',
  required: ['order_id', 'amount'],
  properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 } },
};

export const retryQueueName = (delayMs: number): string => `${ORDERS_QUEUE}.retry.${delayMs}ms`;

function consumer(name: string, routingKey: string, parameters: string[]): ConsumerSpec {
  return {
    name,
    message: 'OrderPlaced',
    exchange: EXCHANGE,
    routingKey,
    parameters,
    queue: ORDERS_QUEUE,
    validate: validator(orderPlacedSchema),
    retry: {
      maxAttempts: RETRY_DELAYS_MS.length + 1,
      delayQueues: RETRY_DELAYS_MS.map((delayMs) => ({ queue: retryQueueName(delayMs), delayMs })),
    },
    deadLetterQueue: DEAD_LETTER_QUEUE,
    prefetch: 10,
  };
}

/** Publishes `order.{order_id}.placed` and `order.cancelled`; consumes both from one queue. */
export function ordersDefinition(): ServiceDefinition {
  return {
    service: 'orders',
    topology: {
      exchanges: [{ name: EXCHANGE, type: 'topic', durable: true, autoDelete: false }],
      queues: [
        plainDurableQueue(ORDERS_QUEUE, 'consumer'),
        ...RETRY_DELAYS_MS.map((delayMs) => ({
          name: retryQueueName(delayMs),
          role: 'retry' as const,
          durable: true,
          exclusive: false,
          autoDelete: false,
          perInstance: false,
          arguments: {
            'x-message-ttl': delayMs,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': ORDERS_QUEUE,
          },
        })),
        plainDurableQueue(DEAD_LETTER_QUEUE, 'dead-letter'),
      ],
      bindings: [
        { exchange: EXCHANGE, queue: ORDERS_QUEUE, pattern: 'order.*.placed' },
        { exchange: EXCHANGE, queue: ORDERS_QUEUE, pattern: 'order.cancelled' },
      ],
    },
    publishers: [
      {
        name: 'orderPlaced',
        message: 'OrderPlaced',
        exchange: EXCHANGE,
        routingKey: 'order.{order_id}.placed',
        parameters: ['order_id'],
        mandatory: true,
        persistent: true,
        validate: validator(orderPlacedSchema),
      },
      {
        name: 'orderShipped',
        message: 'OrderPlaced',
        exchange: EXCHANGE,
        routingKey: 'order.shipped',
        parameters: [],
        mandatory: true,
        persistent: true,
        validate: validator(orderPlacedSchema),
      },
    ],
    consumers: [
      consumer('onOrderPlaced', 'order.{order_id}.placed', ['order_id']),
      consumer('onOrderCancelled', 'order.cancelled', []),
    ],
    rpcClients: [],
    rpcServers: [],
  };
}

export const quoteRpc: RpcSpec = {
  name: 'quotePrice',
  queue: RPC_QUEUE,
  requestMessage: 'QuoteRequest',
  replyMessage: 'Quote',
  validateRequest: validator({
    type: 'object',
    required: ['sku'],
    properties: { sku: { type: 'string', minLength: 1 } },
  }),
  validateReply: validator({
    type: 'object',
    required: ['sku', 'price'],
    properties: { sku: { type: 'string' }, price: { type: 'number' } },
  }),
};

const rpcQueueSpec = plainDurableQueue(RPC_QUEUE, 'rpc');

export function pricingServerDefinition(): ServiceDefinition {
  return {
    service: 'pricing',
    topology: { exchanges: [], queues: [rpcQueueSpec], bindings: [] },
    publishers: [],
    consumers: [],
    rpcClients: [],
    rpcServers: [quoteRpc],
  };
}

/** A caller that declares nothing: whether the RPC queue exists is up to the server. */
export function pricingClientDefinition(rpc: RpcSpec = quoteRpc): ServiceDefinition {
  return {
    service: 'checkout',
    topology: { exchanges: [], queues: [], bindings: [] },
    publishers: [],
    consumers: [],
    rpcClients: [rpc],
    rpcServers: [],
  };
}

export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
