/**
 * The observer hook: the one place the message paths report to. Each operation gets its
 * `OperationObserver` once, at start-up (the metrics, and the user's `ConnectOptions.observer` if
 * any, bound to that operation); per message the paths call it with what they already hold, so
 * nothing is looked up by name and no event object is built unless the user's observer wants one.
 */
import type { Logger } from 'pino';
import type { MessagingEvent, MessagingObserver } from './api.js';
import type { OutgoingMessage } from './confirm-publisher.js';
import { MessagingError, RpcRemoteError, describeError } from './errors.js';

/** One operation in the contract's names, as its observers are bound to it. */
export interface ObservedOperation {
  readonly service: string;
  /** The facade's name of the operation. */
  readonly operation: string;
  /** The contract's message: the event, or the RPC's request. */
  readonly message: string;
  /** Where its messages are read from: a consumer's queue (instance suffix included), an RPC's queue. */
  readonly queue: string | undefined;
  /** Metrics count a consumer's settles as retries and dead letters, an RPC server's as replies. */
  readonly role: 'publisher' | 'consumer' | 'rpc-client' | 'rpc-server';
}

/** Where a message went or came from (a delivery's `Provenance`, a publish's message). */
export interface Route {
  readonly exchange: string;
  readonly routingKey: string;
}

/** A message's ids, read from its properties as they are. */
export interface MessageIds {
  readonly messageId?: string;
  readonly correlationId?: string;
}

/** What happens to one operation's messages; the kinds are those of `MessagingEvent`. */
export interface OperationObserver {
  publish(message: OutgoingMessage): void;
  /** The broker confirmed a publish: metrics count it; no event of its own for the user's observer. */
  confirmed(): void;
  consume(route: Route, ids: MessageIds): void;
  /** `durationMs`: how long the handler took, undefined when no handler ran. */
  settle(route: Route, ids: MessageIds, outcome: string, durationMs: number | undefined): void;
  call(): void;
  /** `error` undefined: the call succeeded. */
  reply(durationMs: number, error?: unknown): void;
  serve(ids: MessageIds): void;
}

/** Makes each operation's observer, once, at start-up. */
export type Observers = (operation: ObservedOperation) => OperationObserver;

/** The metrics' observer of each operation and, with a user's observer, the events for it too. */
export function composedObservers(
  metrics: Observers,
  observer: MessagingObserver | undefined,
  logger: Logger,
): Observers {
  if (!observer) return metrics;
  const report = guarded(observer, logger);
  return (operation) => new BothObservers(metrics(operation), new EventReporter(report, operation));
}

/** The observer, its throws logged (once per kind of event) instead of breaking a publish or a delivery. */
function guarded(observer: MessagingObserver, logger: Logger): MessagingObserver {
  const warned = new Set<string>();
  return (event) => {
    try {
      observer(event);
    } catch (error) {
      if (warned.has(event.kind)) return;
      warned.add(event.kind);
      logger.warn(
        { kind: event.kind, err: describeError(error) },
        'the messaging observer threw; its further throws on this kind of event are not logged',
      );
    }
  };
}

/** The outcome of a failed call for an observer: the error's code, the server's for a remote error. */
function outcomeOf(error: unknown): string {
  if (error instanceof RpcRemoteError) return error.remoteCode;
  return error instanceof MessagingError ? error.code : 'error';
}

/** Builds the `MessagingEvent`s of one operation for the user's observer. */
class EventReporter implements OperationObserver {
  constructor(
    private readonly report: MessagingObserver,
    private readonly operation: ObservedOperation,
  ) {}

  publish({ exchange, routingKey, properties }: OutgoingMessage): void {
    const { messageId, correlationId } = properties;
    this.report({ kind: 'publish', ...this.names(), exchange, routingKey, messageId, correlationId });
  }

  confirmed(): void {
    // Not an event: the user's observer is told when a publish goes out, as tracing needs.
  }

  consume(route: Route, ids: MessageIds): void {
    this.report({ kind: 'consume', ...this.delivery(route, ids) });
  }

  settle(route: Route, ids: MessageIds, outcome: string, durationMs: number | undefined): void {
    this.report({
      kind: 'settle',
      ...this.delivery(route, ids),
      outcome,
      ...(durationMs !== undefined && { durationMs }),
    });
  }

  call(): void {
    this.report({ kind: 'call', ...this.request() });
  }

  reply(durationMs: number, error?: unknown): void {
    this.report({
      kind: 'reply',
      ...this.request(),
      outcome: error === undefined ? 'ok' : outcomeOf(error),
      durationMs,
    });
  }

  serve(ids: MessageIds): void {
    this.report({ kind: 'serve', ...this.request(), messageId: ids.messageId, correlationId: ids.correlationId });
  }

  private names() {
    const { service, operation, message } = this.operation;
    return { service, operation, message };
  }

  private delivery({ exchange, routingKey }: Route, { messageId, correlationId }: MessageIds) {
    return { ...this.names(), exchange, routingKey, queue: this.operation.queue, messageId, correlationId };
  }

  /** RPC requests go through the default exchange to the RPC's queue. */
  private request(): Omit<MessagingEvent, 'kind'> {
    const queue = this.operation.queue ?? '';
    return { ...this.names(), exchange: '', routingKey: queue, queue };
  }
}

class BothObservers implements OperationObserver {
  constructor(
    private readonly first: OperationObserver,
    private readonly second: OperationObserver,
  ) {}

  publish(message: OutgoingMessage): void {
    this.first.publish(message);
    this.second.publish(message);
  }

  confirmed(): void {
    this.first.confirmed();
    this.second.confirmed();
  }

  consume(route: Route, ids: MessageIds): void {
    this.first.consume(route, ids);
    this.second.consume(route, ids);
  }

  settle(route: Route, ids: MessageIds, outcome: string, durationMs: number | undefined): void {
    this.first.settle(route, ids, outcome, durationMs);
    this.second.settle(route, ids, outcome, durationMs);
  }

  call(): void {
    this.first.call();
    this.second.call();
  }

  reply(durationMs: number, error?: unknown): void {
    this.first.reply(durationMs, error);
    this.second.reply(durationMs, error);
  }

  serve(ids: MessageIds): void {
    this.first.serve(ids);
    this.second.serve(ids);
  }
}
