/**
 * The PeerPrep services as child processes against one broker: question, user and matching
 * service once, collaboration-service twice (sharing their data directory, as two replicas share a
 * volume). Collects every `trace` line the services log, in the order they were logged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceRecord } from '../services/common/trace.js';
import { poll } from './poll.js';
import { ServiceProcess, type LogLine, type ServiceName } from './service-process.js';

export interface Instance {
  name: ServiceName;
  instanceId: string;
  env?: Record<string, string>;
}

const PEERPREP: Instance[] = [
  { name: 'question-service', instanceId: 'question' },
  { name: 'user-service', instanceId: 'user' },
  { name: 'matching-service', instanceId: 'matching' },
  { name: 'collaboration-service', instanceId: 'collaboration-1' },
  { name: 'collaboration-service', instanceId: 'collaboration-2' },
];

export interface TraceEvent extends TraceRecord {
  time: number;
  service: string;
  instance: string;
}

export interface TraceExpectation {
  instance?: string;
  service?: string;
  kind: TraceRecord['kind'];
  routingKey: string | RegExp;
  /** How many such lines; default 1. */
  count?: number;
}

export class Cluster {
  readonly traces: TraceEvent[] = [];
  /** The broker node (`host:port`) each instance last said it connected to. */
  readonly brokerNodes = new Map<string, string>();
  private readonly running = new Map<string, ServiceProcess>();

  private constructor(
    readonly rabbitmqUrl: string,
    private readonly dataRoot: string,
    private readonly env: Record<string, string>,
  ) {}

  /** Starts the instances side by side; `env` is added to every instance's environment. */
  static async start(
    rabbitmqUrl: string,
    instances: Instance[] = PEERPREP,
    env: Record<string, string> = {},
  ): Promise<Cluster> {
    const cluster = new Cluster(rabbitmqUrl, await mkdtemp(join(tmpdir(), 'peerprep-')), env);
    try {
      await Promise.all(instances.map((instance) => cluster.startInstance(instance)));
    } catch (error) {
      await cluster.stop().catch(() => undefined);
      throw error;
    }
    return cluster;
  }

  get instances(): ServiceProcess[] {
    return [...this.running.values()];
  }

  instance(instanceId: string): ServiceProcess {
    const process = this.running.get(instanceId);
    if (!process) throw new Error(`no running instance "${instanceId}"`);
    return process;
  }

  async startInstance({ name, instanceId, env }: Instance): Promise<ServiceProcess> {
    const process = await ServiceProcess.start({
      name,
      instanceId,
      rabbitmqUrl: this.rabbitmqUrl,
      dataDir: join(this.dataRoot, name),
      env: { ...this.env, ...env },
      onLine: (line) => this.collect(line),
    });
    this.running.set(instanceId, process);
    return process;
  }

  /** Stops one instance (SIGTERM, or SIGKILL for a crash) and returns its exit code. */
  async stopInstance(instanceId: string, how: 'stop' | 'kill' = 'stop'): Promise<number | null> {
    const process = this.instance(instanceId);
    this.running.delete(instanceId);
    return how === 'kill' ? process.kill() : process.stop();
  }

  /** Stops every instance with SIGTERM; returns each one's exit code. Removes the data directories. */
  async stop(): Promise<Record<string, number | null>> {
    const ids = [...this.running.keys()];
    const codes = await Promise.all(ids.map((id) => this.stopInstance(id)));
    await rm(this.dataRoot, { recursive: true, force: true });
    return Object.fromEntries(ids.map((id, index) => [id, codes[index] ?? null]));
  }

  /** A position in the trace, to ask later for what came after it. */
  mark(): number {
    return this.traces.length;
  }

  /** Waits until the trace after `since` holds every expected line; returns that part of the trace. */
  async expectTraces(since: number, expectations: TraceExpectation[], timeoutMs?: number): Promise<TraceEvent[]> {
    const missing = () =>
      expectations.filter(
        (expected) =>
          this.traces.slice(since).filter((event) => matches(event, expected)).length < (expected.count ?? 1),
      );
    await poll(
      () => (missing().length === 0 ? true : undefined),
      `trace lines: ${missing().map(describeExpectation).join('; ')}`,
      timeoutMs,
    );
    return this.traces.slice(since);
  }

  private collect(line: LogLine): void {
    if (typeof line.node === 'string' && /^(re)?connected to broker$/.test(line.msg) && line.instanceId)
      this.brokerNodes.set(line.instanceId, line.node);
    const record = line.trace as TraceRecord | undefined;
    if (!record) return;
    this.traces.push({ ...record, time: line.time, service: line.service ?? '?', instance: line.instanceId ?? '?' });
  }
}

function matches(event: TraceEvent, expected: TraceExpectation): boolean {
  return (
    event.kind === expected.kind &&
    (expected.instance === undefined || event.instance === expected.instance) &&
    (expected.service === undefined || event.service === expected.service) &&
    (typeof expected.routingKey === 'string'
      ? event.routingKey === expected.routingKey
      : expected.routingKey.test(event.routingKey))
  );
}

function describeExpectation(expected: TraceExpectation): string {
  return `${expected.count ?? 1}x ${expected.kind} ${String(expected.routingKey)} by ${expected.instance ?? expected.service ?? 'any service'}`;
}
