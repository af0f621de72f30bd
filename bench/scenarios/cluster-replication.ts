/**
 * What replication costs (issue 12): persistent 220-byte userCreated events published with confirms
 * (at most `PUBLISH_WINDOW` unconfirmed) and consumed at the same time (prefetch 100, an ack each),
 * by raw amqplib sending what the facade sends and by the facades (user-service publishing,
 * matching-service consuming), on three targets, each a vhost of its own with the PeerPrep topology:
 * - a quorum queue on the local three-node cluster (`scripts/cluster.sh`), both clients connected
 *   to a node that does not hold the queue's leader, as two clients in three are (the facade takes
 *   the cluster's URL list as well; one node keeps raw and facade on the same path);
 * - a quorum queue on the single default broker, as the contract declares `matching.user_events`;
 * - a classic queue on the single default broker: raw amqplib only, since matching-service's facade
 *   declares its queue as the contract says (quorum), which the broker refuses for a classic queue.
 * Not in the default run: `--only cluster-replication` (run.ts starts the cluster when it is not up).
 */
import * as matchingService from '../../generated/services/matching-service.js';
import * as userService from '../../generated/services/user-service.js';
import { connect } from 'amqplib';
import { CLUSTER, queueLeader } from '../../test/support/cluster.js';
import { handlersFor, started } from '../../test/support/handlers.js';
import type { Cell, Comparison, Grid } from '../grid.js';
import { openBenchBroker, type BenchBroker } from '../support/broker.js';
import { facadeOptions } from '../support/facade-options.js';
import { profile, userCreated } from '../support/payloads.js';
import { countdown, inWindow, secondsSince } from '../support/timing.js';
import { eventProperties } from '../support/wire-properties.js';
import type { Metric, Sample } from '../scenario.js';
import { PUBLISH_WINDOW, USER_CREATED, USER_EVENTS_QUEUE, publishWithConfirms } from './publish.js';
import { rawConsumeUserEvents } from './consume.js';

const PREFETCH = 100;
/** Labels the benchmark's vhost on the cluster (`test-bench-cluster-<random>`). */
export const CLUSTER_VHOST_LABEL = 'bench-cluster';
/** Generous: a run that takes longer than this has stalled. */
const LIMIT_MS = 5 * 60_000;

const PUBLISHED: Metric = { key: 'publishPerSec', label: 'published msg/s (confirmed)', better: 'higher' };
const END_TO_END: Metric = { key: 'endToEndPerSec', label: 'end-to-end msg/s (consumed)', better: 'higher' };

type Client = 'raw' | 'facade';
const CLIENT_LABELS: Record<Client, string> = { raw: 'raw amqplib, like-for-like', facade: 'generated facade' };

interface Target {
  id: string;
  label: string;
  broker: BenchBroker;
  /** One node's AMQP URL of the target's vhost. */
  url: string;
  clients: Client[];
}

/** Publishes with `publish` while `consumed` counts down: confirmed msg/s and msg/s to the last message consumed, both from the first publish. */
async function timed(total: number, publish: () => Promise<void>, consumed: Promise<unknown>): Promise<Sample> {
  const startedAt = performance.now();
  await publish();
  const publishPerSec = total / secondsSince(startedAt);
  await consumed;
  return { publishPerSec, endToEndPerSec: total / secondsSince(startedAt) };
}

async function rawPublishAndConsume(url: string, total: number): Promise<Sample> {
  const consumer = await connect(url, { noDelay: true });
  const publisher = await connect(url, { noDelay: true });
  try {
    const handled = await rawConsumeUserEvents(consumer, PREFETCH, total);
    const confirmChannel = await publisher.createConfirmChannel();
    const properties = eventProperties('raw-like', USER_CREATED);
    return await timed(
      total,
      () => publishWithConfirms(confirmChannel, USER_CREATED, userCreated, total, PUBLISH_WINDOW, properties),
      handled.finished,
    );
  } finally {
    await publisher.close();
    await consumer.close();
  }
}

async function facadePublishAndConsume(url: string, total: number): Promise<Sample> {
  const handled = countdown(total, LIMIT_MS, 'facade consume');
  const consumer = await started(
    matchingService.connect(facadeOptions(url, PREFETCH)),
    handlersFor<matchingService.MatchingServiceHandlers>(matchingService.matchingServiceDefinition, {
      userCreated: () => handled.tick(),
    }),
  );
  try {
    const publisher = await started(
      userService.connect(facadeOptions(url)),
      handlersFor<userService.UserServiceHandlers>(userService.userServiceDefinition, {
        userProfileGet: () => profile,
      }),
    );
    try {
      return await timed(
        total,
        () => inWindow(total, PUBLISH_WINDOW, () => publisher.publish.userCreated(userCreated)),
        handled.finished,
      );
    } finally {
      await publisher.close();
    }
  } finally {
    await consumer.close();
  }
}

function cell(target: Target, client: Client, total: number): Cell {
  return {
    id: `${target.id}/${client}`,
    labels: [target.label, CLIENT_LABELS[client]],
    async run() {
      await target.broker.purge(USER_EVENTS_QUEUE);
      return client === 'raw' ? rawPublishAndConsume(target.url, total) : facadePublishAndConsume(target.url, total);
    },
  };
}

/** The AMQP URL of a node of the cluster that does not hold `queue`'s leader. */
async function followerUrl(cluster: BenchBroker, queue: string): Promise<string> {
  const leader = await queueLeader(cluster.vhost, queue);
  const follower = (leader % CLUSTER.amqp.length) + 1;
  const url = cluster.url.split(',')[follower - 1];
  if (url === undefined) throw new Error(`the cluster vhost's URL list has no node ${follower}: ${cluster.url}`);
  return url;
}

/** Opens the three targets' vhosts (the cluster must be up); the grid's tear-down deletes them. */
export async function clusterReplicationGrid(total: number): Promise<Grid> {
  const opened: BenchBroker[] = [];
  const open = async (options: Parameters<typeof openBenchBroker>[0]) => {
    const broker = await openBenchBroker(options);
    opened.push(broker);
    return broker;
  };
  const disposeAll = () => Promise.all(opened.map((broker) => broker.dispose()));
  try {
    const cluster = await open({ label: CLUSTER_VHOST_LABEL, broker: CLUSTER });
    const quorum = await open({ label: 'bench-quorum' });
    const classic = await open({ label: 'bench-classic', classicQueues: [USER_EVENTS_QUEUE] });
    const targets: Target[] = [
      {
        id: 'cluster-quorum',
        label: 'quorum queue, 3-node cluster',
        broker: cluster,
        url: await followerUrl(cluster, USER_EVENTS_QUEUE),
        clients: ['raw', 'facade'],
      },
      {
        id: 'single-quorum',
        label: 'quorum queue, single broker',
        broker: quorum,
        url: quorum.url,
        clients: ['raw', 'facade'],
      },
      {
        id: 'single-classic',
        label: 'classic queue, single broker',
        broker: classic,
        url: classic.url,
        clients: ['raw'],
      },
    ];
    const compare = (
      description: string,
      cell: string,
      against: string,
      metrics = [PUBLISHED, END_TO_END],
    ): Comparison[] => metrics.map((metric) => ({ description, cell, against, metric: metric.key }));
    return {
      id: 'cluster-replication',
      title: 'Replication: quorum on a 3-node cluster, beside one broker',
      measures:
        `${total} persistent 220-byte userCreated events published with confirms (${PUBLISH_WINDOW} unconfirmed at most) and consumed at the same time ` +
        `(prefetch ${PREFETCH}, an ack each); both rates from the first publish`,
      columns: ['queue', 'client'],
      metrics: [PUBLISHED, END_TO_END],
      cells: targets.flatMap((target) => target.clients.map((client) => cell(target, client, total))),
      comparisons: [
        ...compare('facade / raw, quorum on the cluster', 'cluster-quorum/facade', 'cluster-quorum/raw'),
        ...compare('facade / raw, quorum on one broker', 'single-quorum/facade', 'single-quorum/raw'),
        ...compare('raw: quorum on the cluster / classic on one broker', 'cluster-quorum/raw', 'single-classic/raw'),
        ...compare('raw: quorum on the cluster / quorum on one broker', 'cluster-quorum/raw', 'single-quorum/raw'),
        ...compare('raw: quorum / classic, both on one broker', 'single-quorum/raw', 'single-classic/raw'),
      ],
      tearDown: disposeAll,
    };
  } catch (error) {
    await disposeAll();
    throw error;
  }
}
