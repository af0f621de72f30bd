/**
 * The runtime's Prometheus metrics. The per-message ones (published, consumed, handler failures,
 * handler and RPC durations) are bound instruments (bound-instruments.ts), recorded by each
 * operation's `MetricsObserver` (metrics-observer.ts): recording costs a few additions. The rare
 * ones (retries, dead letters, judged origins, blocked connections) are prom-client's own. Several services may share one registry, so each metric is registered once
 * per registry and reused after that.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { CounterFamily, HistogramFamily, registeredFamily } from './bound-instruments.js';

export class Metrics {
  readonly published: CounterFamily;
  readonly consumed: CounterFamily;
  readonly failed: CounterFamily;
  readonly handlerSeconds: HistogramFamily;
  readonly rpcSeconds: HistogramFamily;
  readonly retried: Counter<'service' | 'operation'>;
  readonly deadLettered: Counter<'service' | 'operation' | 'reason'>;
  readonly unverifiedOrigin: Counter<'service' | 'operation'>;
  readonly unauthorizedOrigin: Counter<'service' | 'operation'>;
  /** 1 while the broker blocks the connection (resource alarm), by connection role. */
  readonly connectionBlocked: Gauge<'service' | 'connection'>;

  constructor(readonly registry: Registry = new Registry()) {
    this.published = registeredFamily(
      registry,
      new CounterFamily('messaging_published_total', 'Messages published and confirmed by the broker'),
    );
    this.consumed = registeredFamily(
      registry,
      new CounterFamily('messaging_consumed_total', 'Messages handled successfully'),
    );
    this.failed = registeredFamily(
      registry,
      new CounterFamily('messaging_handler_failures_total', 'Handler invocations that threw'),
    );
    this.handlerSeconds = registeredFamily(
      registry,
      new HistogramFamily(
        'messaging_handler_duration_seconds',
        'Handler duration',
        [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      ),
    );
    this.rpcSeconds = registeredFamily(
      registry,
      new HistogramFamily(
        'messaging_rpc_duration_seconds',
        'RPC call latency as the caller sees it',
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      ),
    );
    this.retried = this.counter('messaging_retried_total', 'Messages parked in a retry delay queue', []);
    this.deadLettered = this.counter('messaging_dead_lettered_total', 'Messages moved to a dead-letter queue', [
      'reason',
    ]);
    this.unverifiedOrigin = this.counter(
      'messaging_unverified_origin_total',
      'Messages handled although no service identity vouches for their origin (policy "flag")',
      [],
    );
    this.unauthorizedOrigin = this.counter(
      'messaging_unauthorized_origin_total',
      'Messages and RPC requests refused for their origin',
      [],
    );
    this.connectionBlocked =
      (registry.getSingleMetric('messaging_connection_blocked') as Gauge<'service' | 'connection'> | undefined) ??
      new Gauge({
        name: 'messaging_connection_blocked',
        help: 'Whether the broker blocks the connection (1) for a resource alarm, by connection (publish, consume)',
        labelNames: ['service', 'connection'],
        registers: [registry],
      });
  }

  private counter<Extra extends string>(
    name: string,
    help: string,
    extra: Extra[],
  ): Counter<'service' | 'operation' | Extra> {
    const existing = this.registry.getSingleMetric(name);
    if (existing instanceof Counter) return existing;
    return new Counter({ name, help, labelNames: ['service', 'operation', ...extra], registers: [this.registry] });
  }
}
