/** Publishing a contract event: validate, build the routing key and properties, send with confirms. */
import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import type { PublishOptions, RoutingParams } from './api.js';
import type { PublisherSpec } from './definition.js';
import type { ConfirmPublisher } from './confirm-publisher.js';
import type { Metrics } from './metrics.js';
import { compileRoutingKey, type RoutingKeyTemplate } from './routing-key.js';
import { currentScope } from './message-scope.js';
import { UnknownOperationError, ValidationError } from './errors.js';

interface Route {
  spec: PublisherSpec;
  routingKey: RoutingKeyTemplate;
  published: ReturnType<Counter<'service' | 'operation'>['labels']>;
}

export class EventPublisher {
  private readonly routes = new Map<string, Route>();

  constructor(
    service: string,
    specs: PublisherSpec[],
    private readonly sender: ConfirmPublisher,
    metrics: Metrics,
    private readonly defaultTimeoutMs: number,
  ) {
    for (const spec of specs) {
      this.routes.set(spec.name, {
        spec,
        routingKey: compileRoutingKey(spec.routingKey),
        published: metrics.published.labels(service, spec.name),
      });
    }
  }

  async publish(name: string, params: RoutingParams, payload: unknown, options: PublishOptions = {}): Promise<void> {
    const route = this.routes.get(name);
    if (!route) throw new UnknownOperationError('publisher', name);
    const { spec } = route;
    if (!spec.validate(payload)) throw new ValidationError(spec.message, [...(spec.validate.errors ?? [])]);
    const routingKey = route.routingKey.fill(params);
    const scope = currentScope();
    await this.sender.send(
      {
        exchange: spec.exchange,
        routingKey,
        content: Buffer.from(JSON.stringify(payload)),
        properties: {
          contentType: 'application/json',
          messageId: options.messageId ?? randomUUID(),
          correlationId: options.correlationId ?? scope?.correlationId ?? randomUUID(),
          timestamp: Math.floor(Date.now() / 1000),
          persistent: spec.persistent,
          mandatory: spec.mandatory,
          type: spec.message,
          // No empty table to encode and decode on every message that carries no headers.
          ...((scope || options.headers) && { headers: { ...scope?.traceHeaders, ...options.headers } }),
        },
      },
      options.timeoutMs ?? this.defaultTimeoutMs,
    );
    route.published.inc();
  }
}
