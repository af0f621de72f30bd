/**
 * The benchmarks' own vhost on the local broker (or the local cluster), created and deleted through
 * the management API with the test helpers, holding the PeerPrep topology exactly as
 * `generated/definitions.json` declares it (or with some queues classic, for a comparison).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, type Channel } from 'amqplib';
import { createTestVhost, LOCAL_BROKER, management, type BrokerAddress } from '../../test/support/broker.js';

const DEFINITIONS = resolve(import.meta.dirname, '../../generated/definitions.json');

export interface BenchBroker extends BenchBrokerAddress {
  /** Drops every message in the queue. */
  purge(queue: string): Promise<void>;
  /** Runs `work` on a channel of a short-lived connection (declarations, bindings). */
  withChannel<T>(work: (channel: Channel) => Promise<T>): Promise<T>;
  /** Deletes the vhost with everything in it, if this process created it. */
  dispose(): Promise<void>;
}

/** Where the benchmark's vhost is: enough for another process to use it (`attachBenchBroker`). */
export interface BenchBrokerAddress {
  /** AMQP URL of the vhost. */
  url: string;
  vhost: string;
  rabbitmqVersion: string;
  /** The management API of the broker (of one node of a cluster), e.g. `http://127.0.0.1:15672/api`. */
  managementApi: string;
}

export interface BenchBrokerOptions {
  /** Names the vhost (`test-<label>-<random>`). Default `bench`. */
  label?: string;
  /** Default: the local broker. */
  broker?: BrokerAddress;
  /** Queues of the contract declared classic here instead of as the contract says. */
  classicQueues?: string[];
}

/** Creates a benchmark vhost with the PeerPrep topology; `dispose` deletes it. */
export async function openBenchBroker({
  label = 'bench',
  broker = LOCAL_BROKER,
  classicQueues = [],
}: BenchBrokerOptions = {}): Promise<BenchBroker> {
  const vhost = await createTestVhost(label, broker);
  const api = broker.managementApi;
  try {
    await management(
      'POST',
      `/definitions/${encodeURIComponent(vhost.name)}`,
      withClassicQueues(JSON.parse(readFileSync(DEFINITIONS, 'utf8')), classicQueues),
      {},
      api,
    );
    const overview = (await (await management('GET', '/overview', undefined, {}, api)).json()) as {
      rabbitmq_version: string;
    };
    const address = {
      url: vhost.url,
      vhost: vhost.name,
      rabbitmqVersion: overview.rabbitmq_version,
      managementApi: api,
    };
    return { ...attachBenchBroker(address), dispose: () => vhost.dispose() };
  } catch (error) {
    await vhost.dispose();
    throw error;
  }
}

/** The vhost another process opened; `dispose` leaves it to that process. */
export function attachBenchBroker(address: BenchBrokerAddress): BenchBroker {
  return {
    ...address,
    purge: async (queue) => {
      await management(
        'DELETE',
        `/queues/${encodeURIComponent(address.vhost)}/${encodeURIComponent(queue)}/contents`,
        undefined,
        {},
        address.managementApi,
      );
    },
    withChannel: async (work) => {
      const connection = await connect(address.url);
      try {
        return await work(await connection.createChannel());
      } finally {
        await connection.close();
      }
    },
    dispose: async () => undefined,
  };
}

interface Definitions {
  queues: { name: string; arguments: Record<string, unknown> }[];
}

function withClassicQueues(definitions: Definitions, classicQueues: string[]): Definitions {
  const missing = classicQueues.filter((name) => !definitions.queues.some((queue) => queue.name === name));
  if (missing.length > 0) throw new Error(`generated/definitions.json declares no queue ${missing.join(', ')}`);
  return {
    ...definitions,
    queues: definitions.queues.map((queue) =>
      classicQueues.includes(queue.name)
        ? { ...queue, arguments: { ...queue.arguments, 'x-queue-type': 'classic' } }
        : queue,
    ),
  };
}
