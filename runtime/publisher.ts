/** Publishing a contract event: validate, build the routing key and properties, send with confirms. */
import { randomUUID } from 'node:crypto';
import type { PublishOptions, RoutingParams } from './api.js';
import type { PublisherSpec } from './definition.js';
import { destination, type ConfirmPublisher, type OutgoingMessage } from './confirm-publisher.js';
import { compileRoutingKey, type RoutingKeyTemplate } from './routing-key.js';
import { currentScope } from './message-scope.js';
import { MessageTooLargeError, UnknownOperationError } from './errors.js';
import { assertValid } from './validation.js';
import type { Observers, OperationObserver } from './observer.js';

interface Route {
  spec: PublisherSpec;
  routingKey: RoutingKeyTemplate;
  observer: OperationObserver;
  /** Tells the observer of one confirmed publish; made once so that a publish allocates no callback for it. */
  confirmed: () => void;
}

const NO_OPTIONS: PublishOptions = Object.freeze({});

export class EventPublisher {
  private readonly routes = new Map<string, Route>();

  constructor(
    service: string,
    specs: PublisherSpec[],
    private readonly sender: ConfirmPublisher,
    private readonly defaultTimeoutMs: number,
    private readonly maxMessageBytes: number,
    /** This process's broker user, stamped as `user_id` so consumers can tell the publisher. */
    private readonly userId: string | undefined,
    observers: Observers,
  ) {
    for (const spec of specs) {
      const observer = observers({
        service,
        operation: spec.name,
        message: spec.message,
        queue: undefined,
        role: 'publisher',
      });
      const confirmed = (): void => {
        observer.confirmed(); // not returned: a publish resolves with nothing
      };
      this.routes.set(spec.name, { spec, routingKey: compileRoutingKey(spec.routingKey), observer, confirmed });
    }
  }

  /** Not `async`: one promise per publish instead of two (any throw below still becomes a rejection). */
  publish(name: string, params: RoutingParams, payload: unknown, options: PublishOptions = NO_OPTIONS): Promise<void> {
    const route = this.routes.get(name);
    if (!route) return Promise.reject(new UnknownOperationError('publisher', name));
    let message: OutgoingMessage;
    try {
      message = messageFor(route, params, payload, options, this.maxMessageBytes, this.userId);
    } catch (error) {
      return Promise.reject(error);
    }
    route.observer.publish(message);
    return this.sender.send(message, options.timeoutMs ?? this.defaultTimeoutMs).then(route.confirmed);
  }
}

function messageFor(
  { spec, routingKey }: Route,
  params: RoutingParams,
  payload: unknown,
  options: PublishOptions,
  maxMessageBytes: number,
  userId: string | undefined,
): OutgoingMessage {
  assertValid(spec.validate, spec.message, payload);
  const filledKey = routingKey.fill(params);
  const content = Buffer.from(JSON.stringify(payload));
  if (content.length > maxMessageBytes) {
    throw new MessageTooLargeError(
      destination({ exchange: spec.exchange, routingKey: filledKey }),
      'body',
      content.length,
      maxMessageBytes,
    );
  }
  const scope = currentScope();
  const properties: OutgoingMessage['properties'] = {
    contentType: 'application/json',
    messageId: options.messageId ?? randomUUID(),
    correlationId: options.correlationId ?? scope?.correlationId ?? randomUUID(),
    timestamp: Math.floor(Date.now() / 1000),
    persistent: spec.persistent,
    mandatory: spec.mandatory,
    type: spec.message,
    userId,
  };
  // Most publishes carry no headers: no table to build for them.
  if (scope || options.headers) properties.headers = { ...scope?.traceHeaders, ...options.headers };
  return { exchange: spec.exchange, routingKey: filledKey, content, properties };
}
