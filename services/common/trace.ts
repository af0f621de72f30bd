/**
 * One structured `trace` log line for every message a service sends or receives: which exchange,
 * routing key and queue, and the message id that links a publish to its deliveries. The demo reads
 * these lines from the services' stdout to show each message as it flows.
 *
 * The wrappers take their names from the service's own generated definition, so a trace line can
 * never name a route the contract does not have.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ConsumeContext, PublishOptions, RpcSpec, ServiceDefinition } from '../../runtime/index.js';
import { MessagingError, RpcRemoteError } from '../../runtime/index.js';

export type TraceKind = 'publish' | 'consume' | 'call' | 'serve' | 'reply';

export interface TraceRecord {
  kind: TraceKind;
  /** '' is the default exchange, through which RPC requests go. */
  exchange: string;
  routingKey: string;
  queue?: string;
  messageId?: string;
  /** For `reply`: `ok` or the error code the call failed with. */
  outcome?: string;
}

type Fn = (...args: unknown[]) => unknown;

function trace(logger: Logger, record: TraceRecord): void {
  logger.info({ trace: record }, `${record.kind} ${record.routingKey}`);
}

/** Traces each consumed event and served RPC request before its handler runs. */
export function traceHandlers<H extends object>(definition: ServiceDefinition, handlers: H, logger: Logger): H {
  const traced: Record<string, Fn> = {};
  for (const [name, handler] of Object.entries(handlers) as [string, Fn][]) {
    const server = definition.rpcServers.find((spec) => spec.name === name);
    traced[name] = (payload, context) => {
      if (server) {
        trace(logger, { kind: 'serve', ...rpcRoute(server) });
      } else {
        const { exchange, routingKey, queue, messageId } = context as ConsumeContext;
        trace(logger, { kind: 'consume', exchange, routingKey, queue, ...(messageId && { messageId }) });
      }
      return handler(payload, context);
    };
  }
  return traced as H;
}

/** The bus with every publish and call traced; everything else as it was. */
export function traceBus<B extends { readonly publish?: object; readonly call?: object }>(definition: ServiceDefinition, bus: B, logger: Logger): B {
  return {
    ...bus,
    ...(bus.publish && { publish: tracePublishers(definition, bus.publish, logger) }),
    ...(bus.call && { call: traceCalls(definition, bus.call, logger) }),
  };
}

function tracePublishers<P extends object>(definition: ServiceDefinition, publish: P, logger: Logger): P {
  const traced: Record<string, Fn> = {};
  for (const spec of definition.publishers) {
    const original = (publish as Record<string, Fn>)[spec.name];
    if (!original) continue;
    const parameterised = spec.parameters.length > 0;
    traced[spec.name] = (payload, ...rest) => {
      const params = (parameterised ? rest[0] : {}) as Record<string, string>;
      // A message id of our own, so the trace line can name the message its consumers will see.
      const options: PublishOptions = { ...(rest[parameterised ? 1 : 0] as PublishOptions | undefined) };
      options.messageId ??= randomUUID();
      const routingKey = spec.routingKey.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? '');
      trace(logger, { kind: 'publish', exchange: spec.exchange, routingKey, messageId: options.messageId });
      return parameterised ? original(payload, params, options) : original(payload, options);
    };
  }
  return traced as P;
}

function traceCalls<C extends object>(definition: ServiceDefinition, call: C, logger: Logger): C {
  const traced: Record<string, Fn> = {};
  for (const spec of definition.rpcClients) {
    const original = (call as Record<string, Fn>)[spec.name];
    if (!original) continue;
    traced[spec.name] = async (...args) => {
      trace(logger, { kind: 'call', ...rpcRoute(spec) });
      try {
        const reply = await original(...args);
        trace(logger, { kind: 'reply', ...rpcRoute(spec), outcome: 'ok' });
        return reply;
      } catch (error) {
        trace(logger, { kind: 'reply', ...rpcRoute(spec), outcome: outcomeOf(error) });
        throw error;
      }
    };
  }
  return traced as C;
}

function outcomeOf(error: unknown): string {
  if (error instanceof RpcRemoteError) return error.remoteCode;
  return error instanceof MessagingError ? error.code : 'error';
}

function rpcRoute(spec: RpcSpec): Pick<TraceRecord, 'exchange' | 'routingKey' | 'queue'> {
  return { exchange: '', routingKey: spec.queue, queue: spec.queue };
}
