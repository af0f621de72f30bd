/**
 * Consume with an ack per message: `total` userCreated events (220 bytes, transient) are loaded
 * into `matching.user_events` before every run (untimed), with the properties user-service's facade
 * gives them (message and correlation ids, timestamp, type), so that the facade's consumer takes
 * its production path (a correlation id to carry into the handler). Every variant takes the same
 * messages: the one raw baseline is like-for-like. One consumer takes them all; the clock runs
 * from the first delivery to the last message handled. Raw amqplib parses the JSON and
 * acks; the facade (matching-service, prefetch set through `ConnectOptions.prefetch`) also finds
 * the consumer by routing key, validates the payload against the contract and acks after the
 * handler resolved.
 */
import { connect, type ChannelModel } from 'amqplib';
import * as matchingService from '../../generated/services/matching-service.js';
import { handlersFor, started } from '../../test/support/handlers.js';
import type { BenchBroker } from '../support/broker.js';
import { facadeOptions } from '../support/facade-options.js';
import { userCreated } from '../support/payloads.js';
import { countdown, type Countdown } from '../support/timing.js';
import { eventProperties } from '../support/wire-properties.js';
import { THROUGHPUT, type Scenario, type Variant } from '../scenario.js';
import { acmConsume, rascalConsume } from './peers.js';
import { PUBLISH_WINDOW, USER_CREATED, USER_EVENTS_QUEUE, publishWithConfirms } from './publish.js';

/** Generous: a run that takes longer than this has stalled. */
const LIMIT_MS = 5 * 60_000;

/** Raw amqplib as an expert consumes `matching.user_events`: parse the JSON, ack each message; counts down `total`. */
export async function rawConsumeUserEvents(
  connection: ChannelModel,
  prefetch: number,
  total: number,
): Promise<Countdown> {
  const channel = await connection.createChannel();
  await channel.prefetch(prefetch);
  const handled = countdown(total, LIMIT_MS, 'raw consume');
  await channel.consume(USER_EVENTS_QUEUE, (message) => {
    if (!message) return;
    JSON.parse(message.content.toString('utf8'));
    channel.ack(message);
    handled.tick();
  });
  return handled;
}

function rawConsume(url: string, prefetch: number, total: number): Variant {
  return {
    id: 'raw',
    async run() {
      const connection = await connect(url, { noDelay: true });
      try {
        const handled = await rawConsumeUserEvents(connection, prefetch, total);
        return { msgPerSec: total / (await handled.finished) };
      } finally {
        await connection.close();
      }
    },
  };
}

function facadeConsume(url: string, prefetch: number, total: number): Variant {
  return {
    id: 'facade',
    async run() {
      const handled = countdown(total, LIMIT_MS, 'facade consume');
      const bus = await started(
        matchingService.connect({
          ...facadeOptions(url, prefetch),
        }),
        handlersFor<matchingService.MatchingServiceHandlers>(matchingService.matchingServiceDefinition, {
          userCreated: () => handled.tick(),
        }),
      );
      try {
        return { msgPerSec: total / (await handled.finished) };
      } finally {
        await bus.close();
      }
    },
  };
}

export function consumeScenarios(broker: BenchBroker, total: number): Scenario[] {
  const preload = async () => {
    await broker.purge(USER_EVENTS_QUEUE);
    const connection = await connect(broker.url, { noDelay: true });
    try {
      const channel = await connection.createConfirmChannel();
      const route = { ...USER_CREATED, persistent: false };
      await publishWithConfirms(channel, route, userCreated, total, PUBLISH_WINDOW, eventProperties('raw-like', route));
    } finally {
      await connection.close();
    }
  };
  const withPrefetch = (prefetch: number, peers: boolean): Scenario => ({
    id: `consume-prefetch-${prefetch}`,
    title: `Consume with ack, prefetch ${prefetch}`,
    measures: `${total} transient 220-byte userCreated events taken off a preloaded queue, one ack each`,
    metrics: [THROUGHPUT],
    variants: [
      rawConsume(broker.url, prefetch, total),
      facadeConsume(broker.url, prefetch, total),
      ...(peers
        ? [
            acmConsume(broker.url, USER_EVENTS_QUEUE, prefetch, total, LIMIT_MS),
            rascalConsume(broker, USER_EVENTS_QUEUE, prefetch, total, LIMIT_MS),
          ]
        : []),
    ],
    prepare: preload,
    tearDown: () => broker.purge(USER_EVENTS_QUEUE),
  });
  return [withPrefetch(100, true), withPrefetch(1000, false)];
}
