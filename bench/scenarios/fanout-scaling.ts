/**
 * Fan-out cost per collaboration-service instance as instances grow (issue 13). 1, 2, 4 and 8
 * instances share a fixed set of sessions (each hosted by one instance, spread evenly) and a fixed
 * rate of code edits, bound two ways:
 * - `wildcard`, as today: every instance's queue bound to `session.*.code_updated`, so every
 *   instance receives every session's edits;
 * - `per-session`: each instance's queue bound to `session.<id>.code_updated` for the sessions it
 *   hosts only.
 * This measures the broker-side routing cost that the per-session subscription API
 * (`bus.subscribe`) relies on, not that API: an instance is simulated with raw amqplib as
 * collaboration-service runs one (a connection of its own, an exclusive auto-delete queue,
 * prefetch 10, an ack per delivery) and counts what it receives.
 *
 * Each cell: (1) `pacedEdits` edits at `editsPerSecond`, the sessions in turn: routed copies per edit
 * and each instance's inbound rate; (2) `burstEdits` as fast as confirms come, at most
 * `PUBLISH_WINDOW` unconfirmed: the publisher's confirmed edits/s while the broker routes the
 * copies. Each phase ends with a marker per instance, on a session it hosts, after the edits on the
 * same channel: an instance that has its marker has every edit routed to it. The grid publishes to
 * a topic exchange of its own, so that the broker's count of routed copies (the exchange's
 * `publish_out`) is the grid's alone; it must equal what the instances counted. One publishing
 * channel serves the whole grid and stays open until the broker's count is read: RabbitMQ drops
 * the statistics a channel gathered since its last report (every 5 s) when it closes.
 */
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { management, waitFor } from '../../test/support/broker.js';
import type { Cell, Check, Comparison, Grid } from '../grid.js';
import type { BenchBroker } from '../support/broker.js';
import { codeUpdated } from '../support/payloads.js';
import { inWindow, paced, secondsSince } from '../support/timing.js';
import { eventProperties } from '../support/wire-properties.js';
import type { Metric, Sample } from '../scenario.js';
import { CODE_UPDATED, CODE_UPDATES_PATTERN, PUBLISH_WINDOW, RELAY_PREFETCH } from './publish.js';

export const INSTANCE_COUNTS = [1, 2, 4, 8];
export const BINDINGS = ['wildcard', 'per-session'] as const;
type Binding = (typeof BINDINGS)[number];

/** Declared as `collaboration.events` is (topic, durable). */
const EXCHANGE = 'bench.fanout-scaling';
const MARKER_HEADER = 'x-bench-marker';
/** Generous: a phase whose markers have not all arrived by then has stalled. */
const LIMIT_MS = 5 * 60_000;
/** The broker's statistics come every 5 s; its count must have caught up well within this. */
const BROKER_COUNT_WITHIN_MS = 30_000;

export interface FanoutScalingSizes {
  sessions: number;
  editsPerSecond: number;
  pacedEdits: number;
  burstEdits: number;
}

const DELIVERIES_PER_EDIT: Metric = {
  key: 'deliveriesPerEdit',
  label: 'deliveries per edit',
  better: 'lower',
  decimals: 2,
};
const INBOUND_PER_INSTANCE: Metric = {
  key: 'inboundPerInstance',
  label: 'inbound msg/s per instance (paced)',
  better: 'lower',
};
const CONFIRMED_PER_SEC: Metric = { key: 'confirmedPerSec', label: 'confirmed edits/s (unpaced)', better: 'higher' };

const routingKeyOf = (session: string) => CODE_UPDATES_PATTERN.replace('*', session);

interface SimulatedInstance {
  /** Edits received (markers not counted) and every copy received (markers too). */
  readonly counts: { edits: number; copies: number };
  /** When (`performance.now()`) the marker `tag` arrived. */
  marker(tag: string): Promise<number>;
  close(): Promise<void>;
}

async function startInstance(url: string, hosted: string[], binding: Binding): Promise<SimulatedInstance> {
  const connection = await connect(url, { noDelay: true });
  const channel = await connection.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false });
  for (const pattern of binding === 'wildcard' ? [CODE_UPDATES_PATTERN] : hosted.map(routingKeyOf))
    await channel.bindQueue(queue, EXCHANGE, pattern);
  await channel.prefetch(RELAY_PREFETCH);
  const counts = { edits: 0, copies: 0 };
  const arrived = new Map<string, number>();
  const awaited = new Map<string, (at: number) => void>();
  await channel.consume(queue, (message) => {
    if (!message) return;
    counts.copies++;
    const tag: unknown = message.properties.headers?.[MARKER_HEADER];
    if (typeof tag === 'string') {
      arrived.set(tag, performance.now());
      awaited.get(tag)?.(performance.now());
    } else {
      JSON.parse(message.content.toString('utf8'));
      counts.edits++;
    }
    channel.ack(message);
  });
  return {
    counts,
    marker: (tag) => {
      const at = arrived.get(tag);
      if (at !== undefined) return Promise.resolve(at);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`fan-out: marker ${tag} not delivered within ${LIMIT_MS} ms`)),
          LIMIT_MS,
        );
        awaited.set(tag, (now) => {
          clearTimeout(timer);
          resolve(now);
        });
      });
    },
    close: () => connection.close(),
  };
}

/** The grid's one publishing channel; `returned` counts edits the broker returned as unroutable. */
interface Publisher {
  connection: ChannelModel;
  channel: ConfirmChannel;
  returned: number;
}

async function openPublisher(url: string): Promise<Publisher> {
  const connection = await connect(url, { noDelay: true });
  const publisher = { connection, channel: await connection.createConfirmChannel(), returned: 0 };
  publisher.channel.on('return', () => publisher.returned++);
  return publisher;
}

function publishConfirmed(
  channel: ConfirmChannel,
  routingKey: string,
  content: Buffer,
  properties: object,
): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.publish(EXCHANGE, routingKey, content, properties, (error: unknown) =>
      error ? reject(error instanceof Error ? error : new Error(JSON.stringify(error))) : resolve(),
    );
  });
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

function cell(
  url: string,
  publisherOf: () => Publisher,
  sessions: string[],
  instances: number,
  binding: Binding,
  sizes: FanoutScalingSizes,
): Cell {
  const hostedBy = Array.from({ length: instances }, (_, instance) =>
    sessions.filter((_, index) => index % instances === instance),
  );
  const content = Buffer.from(JSON.stringify(codeUpdated));
  const properties = eventProperties('raw-like', CODE_UPDATED);
  return {
    id: `${instances}-${binding}`,
    labels: [String(instances), binding],
    async run(): Promise<Sample> {
      const simulated = await Promise.all(hostedBy.map((hosted) => startInstance(url, hosted, binding)));
      try {
        const publisher = publisherOf();
        const { channel } = publisher;
        const returnedBefore = publisher.returned;
        const publishEdit = (index: number) =>
          publishConfirmed(channel, routingKeyOf(sessions[index % sessions.length] as string), content, properties());
        /**
         * A marker per instance for `phase`, on its first session; resolves with when each instance had
         * every marker routed to it (with the wildcard, all of them), so with every copy before them.
         */
        const endPhase = async (phase: string) => {
          const tags = hostedBy.map((_, instance) => `${phase}-${instance}`);
          await Promise.all(
            hostedBy.map((hosted, instance) =>
              publishConfirmed(channel, routingKeyOf(hosted[0] as string), content, {
                headers: { [MARKER_HEADER]: tags[instance] },
              }),
            ),
          );
          const routedTo = (instance: number) => (binding === 'wildcard' ? tags : [tags[instance] as string]);
          return Promise.all(
            simulated.map(async (instance, index) =>
              Math.max(...(await Promise.all(routedTo(index).map((tag) => instance.marker(tag))))),
            ),
          );
        };

        const pacedFrom = performance.now();
        await paced(sizes.pacedEdits, sizes.editsPerSecond, publishEdit);
        const arrivals = await endPhase('paced');
        const pacedEdits = simulated.map((instance) => instance.counts.edits);
        const inboundRates = pacedEdits.map(
          (edits, index) => edits / (((arrivals[index] as number) - pacedFrom) / 1000),
        );

        const burstFrom = performance.now();
        await inWindow(sizes.burstEdits, PUBLISH_WINDOW, publishEdit);
        const confirmedPerSec = sizes.burstEdits / secondsSince(burstFrom);
        await endPhase('burst');

        const returned = publisher.returned - returnedBefore;
        if (returned > 0)
          throw new Error(
            `fan-out ${instances}-${binding}: ${returned} edits returned unroutable (a session no instance was bound for)`,
          );
        return {
          deliveriesPerEdit: sum(pacedEdits) / sizes.pacedEdits,
          inboundPerInstance: sum(inboundRates) / instances,
          confirmedPerSec,
          routedCopies: sum(simulated.map((instance) => instance.counts.copies)),
        };
      } finally {
        await Promise.all(simulated.map((instance) => instance.close()));
      }
    },
  };
}

/** The broker's count of copies the grid's exchange routed to queues, once it equals `expected` (or what it is after the wait). */
async function brokerRoutedCopies(broker: BenchBroker, expected: number): Promise<number> {
  let counted = 0;
  const read = async () => {
    const response = await management(
      'GET',
      `/exchanges/${encodeURIComponent(broker.vhost)}/${encodeURIComponent(EXCHANGE)}`,
      undefined,
      {},
      broker.managementApi,
    );
    counted = ((await response.json()) as { message_stats?: { publish_out?: number } }).message_stats?.publish_out ?? 0;
    return counted === expected;
  };
  await waitFor(read, { timeoutMs: BROKER_COUNT_WITHIN_MS, what: 'the broker count', intervalMs: 1_000 }).catch(
    () => undefined,
  );
  return counted;
}

export function fanoutScalingGrid(broker: BenchBroker, sizes: FanoutScalingSizes): Grid {
  const sessions = Array.from(
    { length: sizes.sessions },
    (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  );
  const perSessionAgainstWildcard = INSTANCE_COUNTS.map((instances): Comparison => ({
    description: `${instances} instances: per-session / wildcard`,
    cell: `${instances}-per-session`,
    against: `${instances}-wildcard`,
    metric: CONFIRMED_PER_SEC.key,
  }));
  const most = INSTANCE_COUNTS[INSTANCE_COUNTS.length - 1] as number;
  let publisher: Publisher | undefined;
  const publisherOf = () => {
    if (!publisher) throw new Error('fan-out scaling: the publisher is opened by the grid set-up');
    return publisher;
  };
  return {
    id: 'fanout-scaling',
    title: 'Fan-out per instance as instances grow',
    measures:
      `${sizes.sessions} sessions spread evenly over 1, 2, 4 and 8 simulated collaboration-service instances; ${sizes.pacedEdits} transient 220-byte codeUpdated edits ` +
      `at ${sizes.editsPerSecond}/s in all, then ${sizes.burstEdits} as fast as confirms come (${PUBLISH_WINDOW} unconfirmed at most); ` +
      'each instance queue bound with the wildcard `session.*.code_updated` or per session it hosts',
    columns: ['instances', 'binding'],
    metrics: [DELIVERIES_PER_EDIT, INBOUND_PER_INSTANCE, CONFIRMED_PER_SEC],
    cells: INSTANCE_COUNTS.flatMap((instances) =>
      BINDINGS.map((binding) => cell(broker.url, publisherOf, sessions, instances, binding, sizes)),
    ),
    comparisons: [
      ...perSessionAgainstWildcard,
      {
        description: `wildcard: ${most} instances / 1`,
        cell: `${most}-wildcard`,
        against: '1-wildcard',
        metric: CONFIRMED_PER_SEC.key,
      },
      {
        description: `per-session: ${most} instances / 1`,
        cell: `${most}-per-session`,
        against: '1-per-session',
        metric: CONFIRMED_PER_SEC.key,
      },
    ],
    async setUp() {
      await broker.withChannel((channel) => channel.assertExchange(EXCHANGE, 'topic', { durable: true }));
      publisher = await openPublisher(broker.url);
    },
    async verify(samples): Promise<Check[]> {
      const counted = sum([...samples.values()].flat().map((sample) => sample['routedCopies'] ?? 0));
      const routed = await brokerRoutedCopies(broker, counted);
      return [
        {
          description:
            "routed copies: the broker's count (the exchange's publish_out) equals the deliveries the instances counted",
          passed: routed === counted,
          detail: `${routed.toLocaleString('en-US')} routed by the broker, ${counted.toLocaleString('en-US')} received by the instances`,
        },
      ];
    },
    async tearDown() {
      await publisher?.connection.close();
      await broker.withChannel((channel) => channel.deleteExchange(EXCHANGE));
    },
  };
}
