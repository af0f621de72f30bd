import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestVhost, waitFor, type TestVhost } from '../../support/broker.js';
import { connectService, type MessagingEvent, type ServiceConnection } from '../../../runtime/index.js';
import {
  EXCHANGE,
  ORDERS_QUEUE,
  RPC_QUEUE,
  ordersDefinition,
  pricingClientDefinition,
  pricingServerDefinition,
  testLogger,
} from './_fixtures.js';

// The observer hook sees every message in the contract's names: what was published, handed to a
// handler, and what became of it; RPC calls, serves and replies with their outcomes.
let vhost: TestVhost;
const opened: ServiceConnection[] = [];

beforeEach(async () => {
  vhost = await createTestVhost('runtime-observer');
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((connection) => connection.close()));
  await vhost?.dispose();
});

/** The value of one sample line in the Prometheus text, e.g. `messaging_consumed_total{service="orders",operation="onOrderPlaced"}`. */
async function sample(connection: ServiceConnection, series: string): Promise<number> {
  const text = await connection.metrics.metrics();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** How many seconds the events' `durationMs` add up to, in the order they came. */
function secondsIn(events: MessagingEvent[]): number {
  return events.reduce((sum, event) => sum + (event.durationMs ?? 0) / 1000, 0);
}

function recorder(): { events: MessagingEvent[]; observer: (event: MessagingEvent) => void } {
  const events: MessagingEvent[] = [];
  return { events, observer: (event) => void events.push(event) };
}

const orderHandlers = {
  consumers: {
    onOrderPlaced: (order: unknown) => {
      if ((order as { order_id: string }).order_id === 'doomed') throw new Error('cannot bill this order');
    },
    onOrderCancelled: () => undefined,
  },
  rpcServers: {},
};

describe('the observer hook', () => {
  it('sees a publish, its delivery and its settling, linked by message id, with retries and the dead letter of a failing one', async () => {
    const { events, observer } = recorder();
    const orders = await connectService(ordersDefinition(), orderHandlers, {
      url: vhost.url,
      logger: testLogger(),
      observer,
    });
    opened.push(orders);

    await orders.publish('orderPlaced', { order_id: 'o-1' }, { order_id: 'o-1', amount: 5 }, { messageId: 'm-ok' });
    await orders.publish(
      'orderPlaced',
      { order_id: 'doomed' },
      { order_id: 'doomed', amount: 5 },
      { messageId: 'm-doomed' },
    );
    const settled = (messageId: string) =>
      events.filter((event) => event.kind === 'settle' && event.messageId === messageId);
    await waitFor(
      () => settled('m-ok').length === 1 && settled('m-doomed').some((event) => event.outcome === 'handler_failed'),
      { timeoutMs: 10_000, what: 'both orders settled' },
    );

    const route = {
      service: 'orders',
      operation: 'onOrderPlaced',
      message: 'OrderPlaced',
      exchange: EXCHANGE,
      routingKey: 'order.o-1.placed',
    };
    expect(
      events
        .filter((event) => event.messageId === 'm-ok')
        .map(({ kind, service, operation, message, exchange, routingKey, queue, outcome }) => ({
          kind,
          service,
          operation,
          message,
          exchange,
          routingKey,
          queue,
          outcome,
        })),
    ).toEqual([
      { ...route, kind: 'publish', operation: 'orderPlaced', queue: undefined, outcome: undefined },
      { ...route, kind: 'consume', queue: ORDERS_QUEUE, outcome: undefined },
      { ...route, kind: 'settle', queue: ORDERS_QUEUE, outcome: 'ok' },
    ]);
    expect(settled('m-ok')[0]?.durationMs).toEqual(expect.any(Number));
    expect(
      events.filter((event) => event.messageId === 'm-doomed').map((event) => [event.kind, event.outcome]),
    ).toEqual([
      ['publish', undefined],
      ['consume', undefined],
      ['settle', 'retry'],
      ['consume', undefined],
      ['settle', 'retry'],
      ['consume', undefined],
      ['settle', 'handler_failed'],
    ]);
  });

  it('sees an RPC called, served and replied to, on both sides, with the failure code of a refused one', async () => {
    const server = recorder();
    const client = recorder();
    const quote = (request: unknown) => {
      const { sku } = request as { sku: string };
      if (sku === 'gone') throw Object.assign(new Error('no such product'), { code: 'out_of_stock' });
      return { sku, price: 3 };
    };
    opened.push(
      await connectService(
        pricingServerDefinition(),
        { consumers: {}, rpcServers: { quotePrice: quote } },
        { url: vhost.url, logger: testLogger(), observer: server.observer },
      ),
    );
    const checkout = await connectService(
      pricingClientDefinition(),
      { consumers: {}, rpcServers: {} },
      { url: vhost.url, logger: testLogger(), observer: client.observer },
    );
    opened.push(checkout);

    await checkout.call('quotePrice', { sku: 'apple' });
    await expect(checkout.call('quotePrice', { sku: 'gone' })).rejects.toMatchObject({ remoteCode: 'out_of_stock' });

    const rpc = {
      operation: 'quotePrice',
      message: 'QuoteRequest',
      exchange: '',
      routingKey: RPC_QUEUE,
      queue: RPC_QUEUE,
    };
    expect(
      client.events.map(({ kind, service, operation, message, exchange, routingKey, queue, outcome }) => ({
        kind,
        service,
        operation,
        message,
        exchange,
        routingKey,
        queue,
        outcome,
      })),
    ).toEqual([
      { ...rpc, kind: 'call', service: 'checkout', outcome: undefined },
      { ...rpc, kind: 'reply', service: 'checkout', outcome: 'ok' },
      { ...rpc, kind: 'call', service: 'checkout', outcome: undefined },
      { ...rpc, kind: 'reply', service: 'checkout', outcome: 'out_of_stock' },
    ]);
    expect(
      client.events.filter((event) => event.kind === 'reply').every((event) => typeof event.durationMs === 'number'),
    ).toBe(true);
    await waitFor(() => server.events.length === 4, { timeoutMs: 5_000, what: 'the server to settle both requests' });
    expect(
      server.events.map((event) => [event.kind, event.service, event.operation, event.routingKey, event.outcome]),
    ).toEqual([
      ['serve', 'pricing', 'quotePrice', RPC_QUEUE, undefined],
      ['settle', 'pricing', 'quotePrice', RPC_QUEUE, 'ok'],
      ['serve', 'pricing', 'quotePrice', RPC_QUEUE, undefined],
      ['settle', 'pricing', 'quotePrice', RPC_QUEUE, 'out_of_stock'],
    ]);
  });

  it("tells the metrics what it tells the observer: every count and the handler time on /metrics are the events' own", async () => {
    const { events, observer } = recorder();
    const orders = await connectService(ordersDefinition(), orderHandlers, {
      url: vhost.url,
      logger: testLogger(),
      observer,
    });
    opened.push(orders);
    await orders.publish('orderPlaced', { order_id: 'o-1' }, { order_id: 'o-1', amount: 5 });
    await orders.publish('orderPlaced', { order_id: 'doomed' }, { order_id: 'doomed', amount: 5 });
    const settles = () => events.filter((event) => event.kind === 'settle');
    await waitFor(() => settles().some((event) => event.outcome === 'handler_failed'), {
      timeoutMs: 10_000,
      what: 'the doomed order dead-lettered',
    });

    const consumer = 'service="orders",operation="onOrderPlaced"';
    const handled = settles().filter((event) => event.durationMs !== undefined);
    const failed = handled.filter((event) => event.outcome !== 'ok');
    expect({
      published: await sample(orders, 'messaging_published_total{service="orders",operation="orderPlaced"}'),
      consumed: await sample(orders, `messaging_consumed_total{${consumer}}`),
      failed: await sample(orders, `messaging_handler_failures_total{${consumer}}`),
      retried: await sample(orders, `messaging_retried_total{${consumer}}`),
      deadLettered: await sample(orders, `messaging_dead_lettered_total{${consumer},reason="handler_failed"}`),
      timed: await sample(orders, `messaging_handler_duration_seconds_count{${consumer}}`),
    }).toEqual({
      published: events.filter((event) => event.kind === 'publish').length,
      consumed: handled.length - failed.length,
      failed: failed.length,
      retried: failed.filter((event) => event.outcome === 'retry').length,
      deadLettered: failed.filter((event) => event.outcome === 'handler_failed').length,
      timed: handled.length,
    });
    expect(failed.length).toBe(3);
    // The very durations the observer was told, not the metrics' own timing.
    expect(await sample(orders, `messaging_handler_duration_seconds_sum{${consumer}}`)).toBeCloseTo(
      secondsIn(handled),
      12,
    );
  });

  it('tells the metrics of an RPC what it tells the observer: the calls timed are the replies, with their durations', async () => {
    const client = recorder();
    opened.push(
      await connectService(
        pricingServerDefinition(),
        { consumers: {}, rpcServers: { quotePrice: (request: unknown) => ({ ...(request as object), price: 3 }) } },
        { url: vhost.url, logger: testLogger() },
      ),
    );
    const checkout = await connectService(
      pricingClientDefinition(),
      { consumers: {}, rpcServers: {} },
      { url: vhost.url, logger: testLogger(), observer: client.observer },
    );
    opened.push(checkout);
    await checkout.call('quotePrice', { sku: 'apple' });
    await checkout.call('quotePrice', { sku: 'pear' });

    const series = 'messaging_rpc_duration_seconds_%s{service="checkout",operation="quotePrice",outcome="ok"}';
    const replies = client.events.filter((event) => event.kind === 'reply');
    expect(await sample(checkout, series.replace('%s', 'count'))).toBe(replies.length);
    expect(await sample(checkout, series.replace('%s', 'sum'))).toBeCloseTo(secondsIn(replies), 12);
  });

  it('keeps messaging going when the observer throws', async () => {
    const handled: string[] = [];
    const handlers = {
      consumers: {
        onOrderPlaced: (order: unknown) => void handled.push((order as { order_id: string }).order_id),
        onOrderCancelled: () => undefined,
      },
      rpcServers: {},
    };
    const orders = await connectService(ordersDefinition(), handlers, {
      url: vhost.url,
      logger: testLogger(),
      observer: () => {
        throw new Error('observer bug');
      },
    });
    opened.push(orders);
    await orders.publish('orderPlaced', { order_id: 'o-2' }, { order_id: 'o-2', amount: 1 });
    await waitFor(() => handled.length === 1, { timeoutMs: 5_000, what: 'the order handled despite the observer' });
    expect(handled).toEqual(['o-2']);
  });
});
