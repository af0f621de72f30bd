/**
 * The runtime's Prometheus metrics as an observer of each operation (observer.ts): the per-message
 * instruments are bound to the operation's labels when its observer is made, at start-up, so
 * recording a message is a few additions (bound-instruments.ts).
 */
import type { BoundCounter, BoundHistogram } from './bound-instruments.js';
import type { Metrics } from './metrics.js';
import { MessagingError } from './errors.js';
import type { MessageIds, ObservedOperation, OperationObserver, Route } from './observer.js';

export class MetricsObserver implements OperationObserver {
  private readonly published: BoundCounter;
  private readonly consumed: BoundCounter;
  private readonly failed: BoundCounter;
  private readonly handlerSeconds: BoundHistogram;
  private readonly rpcSecondsByOutcome = new Map<string, BoundHistogram>();
  private readonly labels: { service: string; operation: string };

  constructor(
    private readonly metrics: Metrics,
    private readonly operation: ObservedOperation,
  ) {
    const labels = { service: operation.service, operation: operation.operation };
    this.labels = labels;
    this.published = metrics.published.labels(labels);
    this.consumed = metrics.consumed.labels(labels);
    this.failed = metrics.failed.labels(labels);
    this.handlerSeconds = metrics.handlerSeconds.labels(labels);
  }

  publish(): void {
    // Counted once confirmed.
  }

  confirmed(): void {
    this.published.inc();
  }

  consume(): void {
    // Counted once settled.
  }

  /** A handler that ran counts as consumed or failed; a delivery a consumer let go of as a retry or a dead letter. */
  settle(_route: Route, _ids: MessageIds, outcome: string, durationMs: number | undefined): void {
    if (durationMs !== undefined) {
      this.handlerSeconds.observe(durationMs / 1000);
      (outcome === 'ok' ? this.consumed : this.failed).inc();
    }
    if (this.operation.role !== 'consumer' || outcome === 'ok' || outcome === 'requeue') return;
    const { service, operation } = this.labels;
    if (outcome === 'retry') this.metrics.retried.labels(service, operation).inc();
    else this.metrics.deadLettered.labels(service, operation, outcome).inc();
  }

  call(): void {
    // Timed by its reply.
  }

  /** The call's latency as the caller saw it, by outcome: `ok`, or the error's code (`rpc_remote` for any error the server sent). */
  reply(durationMs: number, error?: unknown): void {
    const outcome = error === undefined ? 'ok' : error instanceof MessagingError ? error.code : 'error';
    let child = this.rpcSecondsByOutcome.get(outcome);
    if (!child) {
      child = this.metrics.rpcSeconds.labels({ ...this.labels, outcome });
      this.rpcSecondsByOutcome.set(outcome, child);
    }
    child.observe(durationMs / 1000);
  }

  serve(): void {
    // Counted once settled.
  }
}
