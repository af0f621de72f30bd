/**
 * The benchmarks' own vhost on the local broker (created and deleted through the management API
 * with the test helpers), holding the PeerPrep topology exactly as `generated/definitions.json`
 * declares it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, type Channel } from 'amqplib';
import { createTestVhost, management } from '../../test/support/broker.js';

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
}

/** Creates the benchmarks' vhost with the PeerPrep topology; `dispose` deletes it. */
export async function openBenchBroker(): Promise<BenchBroker> {
  const vhost = await createTestVhost('bench');
  try {
    await management('POST', `/definitions/${encodeURIComponent(vhost.name)}`, JSON.parse(readFileSync(DEFINITIONS, 'utf8')));
    const overview = (await (await management('GET', '/overview')).json()) as { rabbitmq_version: string };
    return { ...attachBenchBroker({ url: vhost.url, vhost: vhost.name, rabbitmqVersion: overview.rabbitmq_version }), dispose: () => vhost.dispose() };
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
      await management('DELETE', `/queues/${encodeURIComponent(address.vhost)}/${encodeURIComponent(queue)}/contents`);
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
