import { describe, expect, it } from 'vitest';
import { Counter, Registry } from 'prom-client';
import { Metrics } from '../../../runtime/metrics.js';

describe('Metrics', () => {
  it('exposes handler durations as a Prometheus histogram: cumulative buckets, +Inf, sum and count', async () => {
    const metrics = new Metrics();
    const operation = metrics.forOperation('matching', 'userCreated');
    const now = performance.now();
    operation.handlerTook(now - 0.5); // 0.5 ms: in the 1 ms bucket
    operation.handlerTook(now - 20); // 20 ms: in the 50 ms bucket
    operation.handlerTook(now - 9_000); // 9 s: above every bound
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
    const created = metrics.forOperation('matching', 'userCreated');
    const deleted = metrics.forOperation('matching', 'userDeleted');
    created.consumed.inc();
    created.consumed.inc();
    deleted.failed.inc();
    const call = metrics.forOperation('matching', 'userProfileGet');
    call.callTook(performance.now(), 'ok');
    call.callTook(performance.now(), 'RPC_TIMEOUT');
    call.callTook(performance.now(), 'ok');
    const text = await metrics.registry.metrics();
    expect(text).toContain('messaging_consumed_total{service="matching",operation="userCreated"} 2');
    expect(text).toContain('messaging_consumed_total{service="matching",operation="userDeleted"} 0');
    expect(text).toContain('messaging_handler_failures_total{service="matching",operation="userDeleted"} 1');
    expect(text).toContain(
      'messaging_rpc_duration_seconds_count{service="matching",operation="userProfileGet",outcome="ok"} 2',
    );
    expect(text).toContain(
      'messaging_rpc_duration_seconds_count{service="matching",operation="userProfileGet",outcome="RPC_TIMEOUT"} 1',
    );
  });

  it('shares one family per registry between services, and resets with the registry', async () => {
    const registry = new Registry();
    new Metrics(registry).forOperation('user', 'a').consumed.inc();
    new Metrics(registry).forOperation('matching', 'b').consumed.inc(2);
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
