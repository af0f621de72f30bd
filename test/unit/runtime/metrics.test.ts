import { describe, expect, it } from 'vitest';
import { Counter, Registry } from 'prom-client';
import { Metrics } from '../../../runtime/metrics.js';
import { MetricsObserver } from '../../../runtime/metrics-observer.js';
import { RpcTimeoutError } from '../../../runtime/errors.js';
import type { ObservedOperation } from '../../../runtime/observer.js';

const route = { exchange: 'matching', routingKey: 'user.created' };
const ids = { messageId: 'm-1' };

function observerOf(metrics: Metrics, service: string, operation: string, role: ObservedOperation['role']) {
  return new MetricsObserver(metrics, { service, operation, message: 'Message', queue: 'queue', role });
}

describe('Metrics', () => {
  it('exposes handler durations as a Prometheus histogram: cumulative buckets, +Inf, sum and count', async () => {
    const metrics = new Metrics();
    const operation = observerOf(metrics, 'matching', 'userCreated', 'consumer');
    operation.settle(route, ids, 'ok', 0.5); // 0.5 ms: in the 1 ms bucket
    operation.settle(route, ids, 'ok', 20); // 20 ms: in the 50 ms bucket
    operation.settle(route, ids, 'ok', 9_000); // 9 s: above every bound
    const text = await metrics.registry.metrics();
    const labels = 'service="matching",operation="userCreated"';
    expect(text).toContain(`messaging_handler_duration_seconds_bucket{le="0.001",${labels}} 1`);
    expect(text).toContain(`messaging_handler_duration_seconds_bucket{le="0.01",${labels}} 1`);
    expect(text).toContain(`messaging_handler_duration_seconds_bucket{le="0.05",${labels}} 2`);
    expect(text).toContain(`messaging_handler_duration_seconds_bucket{le="5",${labels}} 2`);
    expect(text).toContain(`messaging_handler_duration_seconds_bucket{le="+Inf",${labels}} 3`);
    expect(text).toContain(`messaging_handler_duration_seconds_count{${labels}} 3`);
    const sum = Number(/messaging_handler_duration_seconds_sum\{[^}]*\} (\S+)/.exec(text)?.[1]);
    expect(sum).toBeGreaterThan(9.02);
    expect(sum).toBeLessThan(9.1);
  });

  it('counts per operation and RPC latency per outcome, each label set apart', async () => {
    const metrics = new Metrics();
    const created = observerOf(metrics, 'matching', 'userCreated', 'consumer');
    const deleted = observerOf(metrics, 'matching', 'userDeleted', 'consumer');
    created.settle(route, ids, 'ok', 1);
    created.settle(route, ids, 'ok', 1);
    deleted.settle(route, ids, 'retry', 1);
    const call = observerOf(metrics, 'matching', 'userProfileGet', 'rpc-client');
    call.reply(1);
    call.reply(1, new RpcTimeoutError('userProfileGet', 1));
    call.reply(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('messaging_consumed_total{service="matching",operation="userCreated"} 2');
    expect(text).toContain('messaging_consumed_total{service="matching",operation="userDeleted"} 0');
    expect(text).toContain('messaging_handler_failures_total{service="matching",operation="userDeleted"} 1');
    expect(text).toContain('messaging_retried_total{service="matching",operation="userDeleted"} 1');
    expect(text).toContain(
      'messaging_rpc_duration_seconds_count{service="matching",operation="userProfileGet",outcome="ok"} 2',
    );
    expect(text).toContain(
      'messaging_rpc_duration_seconds_count{service="matching",operation="userProfileGet",outcome="rpc_timeout"} 1',
    );
  });

  it('shares one family per registry between services, and resets with the registry', async () => {
    const registry = new Registry();
    observerOf(new Metrics(registry), 'user', 'a', 'rpc-server').settle(route, ids, 'ok', 1);
    const b = observerOf(new Metrics(registry), 'matching', 'b', 'consumer');
    b.settle(route, ids, 'ok', 1);
    b.settle(route, ids, 'ok', 1);
    let text = await registry.metrics();
    expect(text.match(/# TYPE messaging_consumed_total counter/g)).toHaveLength(1);
    expect(text).toContain('messaging_consumed_total{service="user",operation="a"} 1');
    expect(text).toContain('messaging_consumed_total{service="matching",operation="b"} 2');
    registry.resetMetrics();
    text = await registry.metrics();
    expect(text).toContain('messaging_consumed_total{service="matching",operation="b"} 0');
  });

  it('refuses a registry where a different metric already has one of its names', () => {
    const registry = new Registry();
    new Counter({
      name: 'messaging_consumed_total',
      help: 'the application counts this itself',
      registers: [registry],
    });
    expect(() => new Metrics(registry)).toThrow(/messaging_consumed_total has already been registered/);
  });
});
