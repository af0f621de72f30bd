/**
 * Publish with confirms, 220-byte JSON events, at most `PUBLISH_WINDOW` unconfirmed at a time.
 *
 * - persistent: user-service's `userCreated` (delivery mode 2, mandatory) to `user.events`,
 *   routed to `matching.user_events`, as PeerPrep does; the peers publish the same.
 * - transient: collaboration-service's `codeUpdated` (delivery mode 1) to `collaboration.events`.
 *   A collaboration-service instance relays the edits of the sessions it hosts, so the publishing
 *   facade subscribes its own per-instance queue to the session it edits and its consumer acks
 *   each message; raw amqplib does the same on its connection (an exclusive queue bound to that
 *   session's routing key, the same prefetch), so both do equal work.
 *
 * Raw amqplib is written as an expert would: `noDelay`, one confirm channel, confirm callbacks
 * (no promise per message), `drain` honoured, returned (unroutable) messages fail the run. It runs
 * twice: with bare messages and with the facade's properties (support/wire-properties.ts).
 */
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import * as collaborationService from '../../generated/services/collaboration-service.js';
import * as userService from '../../generated/services/user-service.js';
import type { ServiceDefinition } from '../../runtime/index.js';
import { handlersFor, started } from '../../test/support/handlers.js';
import type { BenchBroker } from '../support/broker.js';
import { facadeOptions } from '../support/facade-options.js';
import { codeUpdated, profile, userCreated } from '../support/payloads.js';
import { inWindow, secondsSince } from '../support/timing.js';
import { eventProperties, type PropertiesFor, type Route } from '../support/wire-properties.js';
import { RAW_BASELINES, THROUGHPUT, type RawBaseline, type Scenario, type Variant } from '../scenario.js';
import { acmPublish, rascalPublish } from './peers.js';

/** Unconfirmed publishes allowed at once, for every variant. */
export const PUBLISH_WINDOW = 1_000;

/** The route of a service's publisher, as its generated definition says, its routing key filled with `params`. */
function routeOf(definition: ServiceDefinition, publisher: string, params: Record<string, string> = {}): Route {
  const spec = definition.publishers.find(({ name }) => name === publisher);
  if (!spec) throw new Error(`${definition.service} publishes no "${publisher}"`);
  const routingKey = spec.routingKey.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`${publisher}: no value for {${key}} in its routing key`);
    return value;
  });
  return {
    exchange: spec.exchange,
    routingKey,
    persistent: spec.persistent,
    mandatory: spec.mandatory,
    message: spec.message,
  };
}

export const USER_CREATED = routeOf(userService.userServiceDefinition, 'userCreated');
export const USER_EVENTS_QUEUE = 'matching.user_events';
export const CODE_UPDATED = routeOf(collaborationService.collaborationServiceDefinition, 'codeUpdated', {
  session_id: codeUpdated.session_id,
});
/** The wildcard binding of a relay queue that takes every session's edits (the fan-out scenarios' other instances); prefetch 10 (from the contract). */
export const CODE_UPDATES_PATTERN = 'session.*.code_updated';
export const RELAY_PREFETCH = 10;

/**
 * Publishes `total` copies of `payload` with `properties` on a confirm channel, keeping at most
 * `window` unconfirmed; resolves when the broker confirmed them all, rejects if it returned one.
 */
export function publishWithConfirms(
  channel: ConfirmChannel,
  route: Route,
  payload: unknown,
  total: number,
  window: number,
  properties: PropertiesFor,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let confirmed = 0;
    let awaitingDrain = false;
    let failed = false;
    const fail = (error: unknown) => {
      failed = true;
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    // A returned message comes before its confirm.
    channel.on('return', () => fail(new Error(`unroutable: ${route.exchange} ${route.routingKey}`)));
    const onConfirm = (error: unknown) => {
      if (failed) return;
      if (error) {
        fail(error);
      } else if (++confirmed === total) {
        resolve();
      } else if (!awaitingDrain) {
        pump();
      }
    };
    const pump = () => {
      while (sent < total && sent - confirmed < window) {
        sent++;
        if (
          !channel.publish(
            route.exchange,
            route.routingKey,
            Buffer.from(JSON.stringify(payload)),
            properties(),
            onConfirm,
          )
        ) {
          awaitingDrain = true;
          channel.once('drain', () => {
            awaitingDrain = false;
            pump();
          });
          return;
        }
      }
    };
    pump();
  });
}

/** Raw amqplib publishing `total` messages; `alongside` mirrors work the facade's service does on its connection. */
function rawPublish(
  baseline: RawBaseline,
  url: string,
  route: Route,
  payload: unknown,
  total: number,
  alongside?: (connection: ChannelModel) => Promise<void>,
): Variant {
  return {
    id: baseline,
    async run() {
      const connection = await connect(url, { noDelay: true });
      try {
        await alongside?.(connection);
        const channel = await connection.createConfirmChannel();
        const startedAt = performance.now();
        await publishWithConfirms(channel, route, payload, total, PUBLISH_WINDOW, eventProperties(baseline, route));
        return { msgPerSec: total / secondsSince(startedAt) };
      } finally {
        await connection.close();
      }
    },
  };
}

/** What a collaboration-service instance does with code edits: its own queue, consumed and acked. */
async function relayConsumer(connection: ChannelModel): Promise<void> {
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  await channel.bindQueue(queue, CODE_UPDATED.exchange, CODE_UPDATED.routingKey);
  await channel.prefetch(RELAY_PREFETCH);
  await channel.consume(queue, (message) => {
    if (!message) return;
    JSON.parse(message.content.toString('utf8'));
    channel.ack(message);
  });
}

async function timedPublishes(total: number, publish: () => Promise<void>): Promise<{ msgPerSec: number }> {
  const startedAt = performance.now();
  await inWindow(total, PUBLISH_WINDOW, publish);
  return { msgPerSec: total / secondsSince(startedAt) };
}

function facadePublishUserCreated(url: string, total: number): Variant {
  return {
    id: 'facade',
    async run() {
      const bus = await started(
        userService.connect({ ...facadeOptions(url) }),
        handlersFor<userService.UserServiceHandlers>(userService.userServiceDefinition, {
          userProfileGet: () => profile,
        }),
      );
      try {
        return await timedPublishes(total, () => bus.publish.userCreated(userCreated));
      } finally {
        await bus.close();
      }
    },
  };
}

function facadePublishCodeUpdated(url: string, total: number): Variant {
  const params = { session_id: codeUpdated.session_id };
  return {
    id: 'facade',
    async run() {
      const bus = await started(
        collaborationService.connect({
          ...facadeOptions(url),
        }),
        handlersFor<collaborationService.CollaborationServiceHandlers>(
          collaborationService.collaborationServiceDefinition,
        ),
      );
      try {
        await bus.subscribe.codeUpdated(params);
        return await timedPublishes(total, () => bus.publish.codeUpdated(codeUpdated, params));
      } finally {
        await bus.close();
      }
    },
  };
}

/** Raw (both baselines) and facade publishing `codeUpdated` (transient), each with its relay consumer: also the fan-out scenario's variants. */
export function transientPublishVariants(url: string, total: number): Variant[] {
  return [
    ...RAW_BASELINES.map((baseline) => rawPublish(baseline, url, CODE_UPDATED, codeUpdated, total, relayConsumer)),
    facadePublishCodeUpdated(url, total),
  ];
}

export function publishScenarios(broker: BenchBroker, total: number): Scenario[] {
  const emptyUserEvents = () => broker.purge(USER_EVENTS_QUEUE);
  return [
    {
      id: 'publish-persistent',
      title: 'Publish with confirms, persistent',
      measures: `${total} persistent 220-byte userCreated events to a durable queue (rascal: a tenth of them), ${PUBLISH_WINDOW} unconfirmed at most`,
      metrics: [THROUGHPUT],
      variants: [
        ...RAW_BASELINES.map((baseline) => rawPublish(baseline, broker.url, USER_CREATED, userCreated, total)),
        facadePublishUserCreated(broker.url, total),
        acmPublish('acm', broker.url, USER_CREATED, userCreated, total, PUBLISH_WINDOW),
        acmPublish('acm-like', broker.url, USER_CREATED, userCreated, total, PUBLISH_WINDOW),
        // Rascal publishes about 1.5k msg/s here: a tenth of the messages keeps the full run bounded; the rate is what counts.
        rascalPublish(broker, USER_CREATED, userCreated, Math.ceil(total / 10), PUBLISH_WINDOW),
      ],
      prepare: emptyUserEvents,
      tearDown: emptyUserEvents,
    },
    {
      id: 'publish-transient',
      title: 'Publish with confirms, transient',
      measures: `${total} transient 220-byte codeUpdated events, ${PUBLISH_WINDOW} unconfirmed at most, relayed to the publisher's own instance queue`,
      metrics: [THROUGHPUT],
      variants: transientPublishVariants(broker.url, total),
    },
  ];
}
