/**
 * The peer libraries on the same publish and consume workloads as raw amqplib and our facade,
 * each configured as its documentation recommends for speed where it offers a knob: `noDelay`,
 * confirm channels, the same window of unconfirmed publishes, the same prefetch. Payloads are
 * JSON-encoded by the library where it does that itself (rascal), else by the caller.
 */
import * as acm from 'amqp-connection-manager';
import rascal, { type BrokerAsPromised } from 'rascal';
import type { BenchBroker } from '../support/broker.js';
import { countdown, inWindow, secondsSince } from '../support/timing.js';
import { eventProperties, type Route } from '../support/wire-properties.js';
import type { Variant, VariantId } from '../scenario.js';

/** amqp-connection-manager publishing bare messages (`acm`) or exactly what the facade sends (`acm-like`). */
export function acmPublish(
  id: Extract<VariantId, 'acm' | 'acm-like'>,
  url: string,
  route: Route,
  payload: unknown,
  total: number,
  window: number,
): Variant {
  const properties = eventProperties(id === 'acm' ? 'raw' : 'raw-like', route);
  return {
    id,
    async run() {
      const connection = acm.connect([url], { connectionOptions: { noDelay: true } });
      try {
        const channel = connection.createChannel({ confirm: true, json: false });
        await channel.waitForConnect();
        const startedAt = performance.now();
        await inWindow(total, window, () =>
          channel.publish(route.exchange, route.routingKey, Buffer.from(JSON.stringify(payload)), properties()),
        );
        return { msgPerSec: total / secondsSince(startedAt) };
      } finally {
        await connection.close();
      }
    },
  };
}

export function acmConsume(url: string, queue: string, prefetch: number, total: number, limitMs: number): Variant {
  return {
    id: 'acm',
    async run() {
      const connection = acm.connect([url], { connectionOptions: { noDelay: true } });
      try {
        const channel = connection.createChannel({ json: false });
        await channel.waitForConnect();
        const handled = countdown(total, limitMs, 'amqp-connection-manager consume');
        await channel.consume(
          queue,
          (message) => {
            JSON.parse(message.content.toString('utf8'));
            channel.ack(message);
            handled.tick();
          },
          { prefetch },
        );
        return { msgPerSec: total / (await handled.finished) };
      } finally {
        await connection.close();
      }
    },
  };
}

const PUBLICATION = 'bench';
const SUBSCRIPTION = 'bench';

/** Rascal's defaults (confirms, persistent, mandatory) plus `noDelay`; it checks the topology the contract declared rather than asserting its own. */
function rascalConfig(
  broker: BenchBroker,
  setup: { publish?: Route; consume?: { queue: string; prefetch: number } },
): object {
  const { publish, consume } = setup;
  return rascal.withDefaultConfig({
    vhosts: {
      [broker.vhost]: {
        connection: { url: broker.url, socketOptions: { noDelay: true } },
        ...(publish && {
          exchanges: { [publish.exchange]: { assert: false, check: true } },
          publications: {
            [PUBLICATION]: {
              exchange: publish.exchange,
              routingKey: publish.routingKey,
              confirm: true,
              options: { persistent: publish.persistent },
            },
          },
        }),
        ...(consume && {
          queues: { [consume.queue]: { assert: false, check: true } },
          subscriptions: { [SUBSCRIPTION]: { queue: consume.queue, prefetch: consume.prefetch } },
        }),
      },
    },
  });
}

async function withRascal<T>(config: object, work: (broker: BrokerAsPromised) => Promise<T>): Promise<T> {
  const broker = await rascal.BrokerAsPromised.create(config);
  broker.on('error', () => undefined);
  try {
    return await work(broker);
  } finally {
    await broker.shutdown();
  }
}

export function rascalPublish(
  broker: BenchBroker,
  route: Route,
  payload: object,
  total: number,
  window: number,
): Variant {
  return {
    id: 'rascal',
    run: () =>
      withRascal(rascalConfig(broker, { publish: route }), async (rascalBroker) => {
        const publishOne = async () => {
          const session = await rascalBroker.publish(PUBLICATION, payload);
          await new Promise<void>((resolve, reject) => {
            session.on('success', () => resolve());
            session.on('error', (error) => reject(error));
          });
        };
        const startedAt = performance.now();
        await inWindow(total, window, publishOne);
        return { msgPerSec: total / secondsSince(startedAt) };
      }),
  };
}

export function rascalConsume(
  broker: BenchBroker,
  queue: string,
  prefetch: number,
  total: number,
  limitMs: number,
): Variant {
  return {
    id: 'rascal',
    run: () =>
      withRascal(rascalConfig(broker, { consume: { queue, prefetch } }), async (rascalBroker) => {
        const handled = countdown(total, limitMs, 'rascal consume');
        const subscription = await rascalBroker.subscribe(SUBSCRIPTION);
        subscription.on('error', () => undefined);
        subscription.on('message', (_message, _content, ackOrNack) => {
          ackOrNack();
          handled.tick();
        });
        try {
          return { msgPerSec: total / (await handled.finished) };
        } finally {
          await subscription.cancel();
        }
      }),
  };
}
