/**
 * The runtime's prom-client metrics. Several services may share one registry, so each metric is
 * registered once per registry and reused after that.
 */
import { Counter, Histogram, Registry } from 'prom-client';

type Labels = 'service' | 'operation';
type CounterChild = ReturnType<Counter<Labels>['labels']>;
type HistogramChild = ReturnType<Histogram<Labels>['labels']>;

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

  /** The instruments of one operation with its labels bound once, for the per-message paths. */
  forOperation(service: string, operation: string): OperationMetrics {
    return new OperationMetrics(this, service, operation);
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

export class OperationMetrics {
  readonly consumed: CounterChild;
  readonly failed: CounterChild;
  private readonly handlerSeconds: HistogramChild;
  private readonly rpcSecondsByOutcome = new Map<string, HistogramChild>();

  constructor(
    private readonly metrics: Metrics,
    private readonly service: string,
    private readonly operation: string,
  ) {
    this.consumed = metrics.consumed.labels(service, operation);
    this.failed = metrics.failed.labels(service, operation);
    this.handlerSeconds = metrics.handlerSeconds.labels(service, operation);
  }

  /** Records a handler's duration; `startedAt` is the `performance.now()` reading when it began. */
  handlerTook(startedAt: number): void {
    this.handlerSeconds.observe(secondsSince(startedAt));
  }

  /** Records an RPC call's latency as the caller saw it, by outcome (`ok` or an error code). */
  callTook(startedAt: number, outcome: string): void {
    let child = this.rpcSecondsByOutcome.get(outcome);
    if (!child) {
      child = this.metrics.rpcSeconds.labels(this.service, this.operation, outcome);
      this.rpcSecondsByOutcome.set(outcome, child);
    }
    child.observe(secondsSince(startedAt));
  }
}

function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
