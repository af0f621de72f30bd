/**
 * The runtime's prom-client metrics. Several services may share one registry, so each metric is
 * registered once per registry and reused after that.
 */
import { Counter, Histogram, Registry } from 'prom-client';

type Labels = 'service' | 'operation';

export class Metrics {
  readonly published: Counter<Labels>;
  readonly consumed: Counter<Labels>;
  readonly failed: Counter<Labels>;
  readonly retried: Counter<Labels>;
  readonly deadLettered: Counter<Labels | 'reason'>;
  readonly handlerSeconds: Histogram<Labels>;
  readonly rpcSeconds: Histogram<Labels | 'outcome'>;

  constructor(readonly registry: Registry = new Registry()) {
    this.published = this.counter('messaging_published_total', 'Messages published and confirmed by the broker');
    this.consumed = this.counter('messaging_consumed_total', 'Messages handled successfully');
    this.failed = this.counter('messaging_handler_failures_total', 'Handler invocations that threw');
    this.retried = this.counter('messaging_retried_total', 'Messages parked in a retry delay queue');
    this.deadLettered = this.counter('messaging_dead_lettered_total', 'Messages moved to a dead-letter queue', ['reason']);
    this.handlerSeconds = this.histogram('messaging_handler_duration_seconds', 'Handler duration', [], [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);
    this.rpcSeconds = this.histogram('messaging_rpc_duration_seconds', 'RPC call latency as the caller sees it', ['outcome'], [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5]);
  }

  private counter<Extra extends string = never>(name: string, help: string, extra: Extra[] = []): Counter<Labels | Extra> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<Labels | Extra>;
    return new Counter({ name, help, labelNames: ['service', 'operation', ...extra], registers: [this.registry] });
  }

  private histogram<Extra extends string = never>(name: string, help: string, extra: Extra[], buckets: number[]): Histogram<Labels | Extra> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<Labels | Extra>;
    return new Histogram({ name, help, labelNames: ['service', 'operation', ...extra], buckets, registers: [this.registry] });
  }
}
