/**
 * Event consumers: one `InboundQueue` per consumer queue, dispatching each delivery by the route
 * the broker delivered it on (or, for a delivery that provably came back through this consumer's
 * own retry path, the route recorded there: origin.ts) to the consumer whose route matches, once
 * its origin passed the contract (else `unauthorized_origin`). A handler that throws
 * is parked in the retry delay queue for its attempt (which TTL-expires back into the consumer
 * queue); after the last attempt, or at once for a message no handler could ever accept, it is
 * republished to the dead-letter queue with the reason in headers. Every republish is confirmed
 * before the original is acked, so nothing is lost between the two.
 */
import { randomUUID } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { ConsumeContext, EventHandler, RoutingParams } from './api.js';
import type { ConsumerSpec } from './definition.js';
import type { ConfirmPublisher, OutgoingMessage } from './confirm-publisher.js';
import type { Delivery, InboundQueue } from './inbound.js';
import type { Metrics } from './metrics.js';
import type { QueueNames } from './topology.js';
import { compileRoutingKey, type RoutingKeyTemplate } from './routing-key.js';
import { isTraceHeader, runInScope, scopeOf } from './message-scope.js';
import { settle } from './thenable.js';
import {
  Header,
  isRuntimeHeader,
  withoutBrokerDeathHeaders,
  type DeadLetterHeaders,
  type DeadLetterReason,
} from './headers.js';
import { fitHeaders, fitProperties } from './wire-limits.js';
import { undecodableHeaders } from './header-frame-guard.js';
import { sleep } from './backoff.js';
import { describeUser, type OriginJudge, type Provenance as Origin } from './origin.js';
import { ConfigError, UnroutableError, describeError, formatViolations } from './errors.js';
import type { Observers, OperationObserver } from './observer.js';

interface Route {
  spec: ConsumerSpec;
  routingKey: RoutingKeyTemplate;
  handler: EventHandler;
  observer: OperationObserver;
}

export interface ConsumerDeps {
  service: string;
  names: QueueNames;
  prefetchOverride: number | undefined;
  sender: ConfirmPublisher;
  /** For judged origins; the per-message metrics are among the observers. */
  metrics: Metrics;
  logger: Logger;
  publishTimeoutMs: number;
  /** A larger body is dead-lettered as it came, never decoded or parsed (unless the contract sets the consumer's own limit). */
  maxMessageBytes: number;
  /** Declares a queue of the topology again (by its name on the broker); false if it is not in the topology. */
  restoreQueue(queue: string): Promise<boolean>;
  origins: OriginJudge;
  observers: Observers;
}

/** Pause before handing a message back to the broker when we could not republish it, so a broker in trouble is not hammered. */
const REQUEUE_PAUSE_MS = 1_000;

export function eventConsumerQueues(
  specs: ConsumerSpec[],
  handlers: Record<string, EventHandler>,
  deps: ConsumerDeps,
): InboundQueue[] {
  const byQueue = new Map<string, [Route, ...Route[]]>();
  for (const spec of specs) {
    const handler = handlers[spec.name];
    if (!handler) throw new ConfigError(`no handler for consumer "${spec.name}"`);
    const observer = deps.observers({
      service: deps.service,
      operation: spec.name,
      message: spec.message,
      queue: deps.names.resolve(spec.queue),
      role: 'consumer',
    });
    const route: Route = { spec, routingKey: compileRoutingKey(spec.routingKey), handler, observer };
    const routes = byQueue.get(spec.queue);
    if (routes) routes.push(route);
    else byQueue.set(spec.queue, [route]);
  }
  return [...byQueue].map(([baseQueue, routes]) => new EventQueue(deps.names.resolve(baseQueue), routes, deps));
}

class EventQueue implements InboundQueue {
  readonly prefetch: number;

  constructor(
    readonly queue: string,
    /** The first also stands for a delivery none of them matches. */
    private readonly routes: [Route, ...Route[]],
    private readonly deps: ConsumerDeps,
  ) {
    this.prefetch = deps.prefetchOverride ?? Math.max(...routes.map((r) => r.spec.prefetch));
  }

  /** Synchronous when the handler is: no promise is made for a message a synchronous handler took. */
  handle(message: ConsumeMessage, delivery: Delivery): Promise<void> | undefined {
    const headers: Record<string, unknown> = message.properties.headers ?? {};
    const origin = this.deps.origins.provenanceOf(message);
    if (origin.exchange === '') {
      // Nobody publishes into a consumer queue directly but its owner's retry path, recognised above.
      return this.refuse(
        message,
        delivery,
        this.routes[0],
        origin,
        `put straight into ${this.queue} through the default exchange (${describeUser(origin.userId)}); only this consumer's own retry path may do that`,
      );
    }
    const matched = this.match(origin);
    if (!matched) {
      return this.deadLetter(
        message,
        delivery,
        this.routes[0],
        origin,
        'no_handler',
        `no consumer of ${this.queue} handles routing key "${origin.routingKey}" from exchange "${origin.exchange}"`,
      );
    }
    const { route, params } = matched;
    const { spec } = route;
    const verdict = this.deps.origins.judge(origin.userId, spec.publishers, spec.unverifiedOrigin);
    if (verdict.refused)
      return this.refuse(
        message,
        delivery,
        route,
        origin,
        `${spec.message} on ${origin.exchange} "${origin.routingKey}" ${verdict.reason}`,
      );
    if (verdict.flagged) {
      this.deps.metrics.unverifiedOrigin.labels(this.deps.service, spec.name).inc();
      this.deps.logger.warn(
        { consumer: spec.name, messageId: message.properties.messageId, userId: origin.userId },
        `handling a message of unverified origin (${describeUser(origin.userId)})`,
      );
    }
    const headersDropped = undecodableHeaders(message.properties);
    if (headersDropped) return this.deadLetter(message, delivery, route, origin, 'undecodable_headers', headersDropped);
    const maxMessageBytes = spec.maxMessageBytes ?? this.deps.maxMessageBytes;
    if (message.content.length > maxMessageBytes) {
      return this.deadLetter(
        message,
        delivery,
        route,
        origin,
        'too_large',
        `body is ${message.content.length} bytes, over the limit of ${maxMessageBytes}`,
      );
    }
    let payload: unknown;
    try {
      payload = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      return this.deadLetter(
        message,
        delivery,
        route,
        origin,
        'malformed_json',
        `body is not JSON: ${describeError(error)}`,
      );
    }
    if (!spec.validate(payload)) {
      return this.deadLetter(
        message,
        delivery,
        route,
        origin,
        'schema_invalid',
        `${spec.message} is invalid: ${formatViolations(spec.validate.errors ?? [])}`,
      );
    }

    const context: ConsumeContext = {
      messageId: message.properties.messageId,
      correlationId: message.properties.correlationId,
      exchange: origin.exchange,
      routingKey: origin.routingKey,
      queue: this.queue,
      params,
      attempt: origin.attempt,
      redelivered: message.fields.redelivered,
      headers,
      origin: verdict.origin,
    };
    route.observer.consume(origin, message.properties);
    const startedAt = performance.now();
    return settle(
      () => runInScope(scopeOf(context.correlationId, headers), () => route.handler(payload, context)),
      () => this.handlerSucceeded(route, startedAt, message, origin, delivery),
      (error) => this.handlerFailed(route, startedAt, message, delivery, origin, error),
    );
  }

  private refuse(
    message: ConsumeMessage,
    delivery: Delivery,
    route: Route,
    origin: Origin,
    reason: string,
  ): Promise<void> {
    this.deps.metrics.unauthorizedOrigin.labels(this.deps.service, route.spec.name).inc();
    return this.deadLetter(message, delivery, route, origin, 'unauthorized_origin', reason);
  }

  private handlerSucceeded(
    route: Route,
    startedAt: number,
    message: ConsumeMessage,
    origin: Origin,
    delivery: Delivery,
  ): undefined {
    const durationMs = performance.now() - startedAt;
    delivery.ack();
    route.observer.settle(origin, message.properties, 'ok', durationMs);
    return undefined;
  }

  private handlerFailed(
    route: Route,
    startedAt: number,
    message: ConsumeMessage,
    delivery: Delivery,
    origin: Origin,
    error: unknown,
  ): Promise<void> {
    return this.onHandlerFailure(message, delivery, route, origin, error, performance.now() - startedAt);
  }

  private match(origin: Origin): { route: Route; params: RoutingParams } | undefined {
    for (const route of this.routes) {
      if (route.spec.exchange !== origin.exchange) continue;
      const params = route.routingKey.match(origin.routingKey);
      if (params) return { route, params };
    }
    return undefined;
  }

  private async onHandlerFailure(
    message: ConsumeMessage,
    delivery: Delivery,
    route: Route,
    origin: Origin,
    error: unknown,
    handlerMs: number,
  ): Promise<void> {
    const { spec } = route;
    const reason = describeError(error);
    const delay = spec.retry.delayQueues[origin.attempt - 1];
    if (origin.attempt >= spec.retry.maxAttempts || !delay) {
      return this.deadLetter(message, delivery, route, origin, 'handler_failed', reason, handlerMs);
    }
    this.deps.logger.warn(
      { consumer: spec.name, attempt: origin.attempt, retryInMs: delay.delayMs, err: reason },
      'handler failed, retrying later',
    );
    const sent = await this.republish(
      message,
      delivery,
      delay.queue,
      {
        [Header.attempt]: origin.attempt + 1,
        [Header.lastError]: reason,
      },
      origin,
    );
    route.observer.settle(origin, message.properties, sent ? 'retry' : 'requeue', handlerMs);
  }

  private async deadLetter(
    message: ConsumeMessage,
    delivery: Delivery,
    route: Route,
    origin: Origin,
    reason: DeadLetterReason,
    error: string,
    handlerMs?: number,
  ): Promise<void> {
    const { deadLetterQueue } = route.spec;
    if (!deadLetterQueue) {
      this.deps.logger.error(
        { queue: this.queue, reason, err: error, messageId: message.properties.messageId },
        'message cannot be processed and this queue has no dead-letter queue: dropped',
      );
      delivery.ack();
      route.observer.settle(origin, message.properties, reason, handlerMs);
      return;
    }
    this.deps.logger.warn(
      {
        queue: this.queue,
        deadLetterQueue,
        reason,
        err: error,
        attempts: origin.attempt,
        messageId: message.properties.messageId,
      },
      'dead-lettering message',
    );
    const headers: DeadLetterHeaders = {
      [Header.deadLetterReason]: reason,
      [Header.error]: error,
      [Header.attempts]: origin.attempt,
      [Header.originalQueue]: this.queue,
      [Header.deadLetteredBy]: this.deps.service,
      [Header.deadLetteredAt]: new Date().toISOString(),
    };
    const sent = await this.republish(message, delivery, this.deps.names.resolve(deadLetterQueue), headers, origin);
    route.observer.settle(origin, message.properties, sent ? reason : 'requeue', handlerMs);
  }

  /**
   * Copies the message to `queue` (default exchange) with extra headers; acks the original once
   * confirmed. A peer may send a header table larger than we can encode, or headers and properties
   * amqplib decodes but cannot encode again: those are left out (the peer's largest headers first,
   * ours and trace headers kept), and `x-trimmed-headers` says which.
   */
  private async republish(
    message: ConsumeMessage,
    delivery: Delivery,
    queue: string,
    extraHeaders: Record<string, unknown>,
    origin: Origin,
  ): Promise<boolean> {
    const { properties } = message;
    const copied = fitProperties({
      contentType: properties.contentType,
      messageId: properties.messageId,
      correlationId: properties.correlationId,
      timestamp: properties.timestamp,
      type: properties.type,
    });
    const { headers, note } = fitHeaders(
      {
        ...withoutBrokerDeathHeaders(properties.headers ?? {}),
        ...reentryHeaders(origin),
        ...extraHeaders,
      },
      (name) => isRuntimeHeader(name) || isTraceHeader(name),
      Header.trimmedHeaders,
      copied.dropped,
    );
    if (note)
      this.deps.logger.warn(
        { queue: this.queue, to: queue, trimmed: note, messageId: properties.messageId },
        'what could not be copied as it was is left out of the republished message',
      );
    try {
      await this.sendRestoringQueue(queue, {
        exchange: '',
        routingKey: queue,
        content: message.content,
        properties: {
          ...copied.properties,
          messageId: copied.properties.messageId ?? randomUUID(),
          persistent: true,
          mandatory: true,
          userId: this.deps.origins.identity.user,
          headers,
        },
      });
    } catch (error) {
      this.deps.logger.error(
        { queue: this.queue, to: queue, err: describeError(error) },
        'could not republish a failed message; handing it back to the broker',
      );
      await sleep(REQUEUE_PAUSE_MS);
      delivery.nack(true);
      return false;
    }
    delivery.ack();
    return true;
  }

  /** Sends to `queue`; if it is gone (an operator deleted the dead-letter queue, say), declares it again from the topology and sends once more. */
  private async sendRestoringQueue(queue: string, message: OutgoingMessage): Promise<void> {
    try {
      await this.deps.sender.send(message, this.deps.publishTimeoutMs);
    } catch (error) {
      if (!(error instanceof UnroutableError) || !(await this.deps.restoreQueue(queue))) throw error;
      this.deps.logger.warn({ queue: this.queue, to: queue }, 'queue was missing: declared it again from the topology');
      await this.deps.sender.send(message, this.deps.publishTimeoutMs);
    }
  }
}

/** What our re-entry path needs to dispatch and judge the message again; a claim of the original `user_id` from anyone else is removed. */
function reentryHeaders(origin: Origin): Record<string, unknown> {
  return {
    [Header.originalExchange]: origin.exchange,
    [Header.originalRoutingKey]: origin.routingKey,
    [Header.originalUserId]: origin.userId,
  };
}
