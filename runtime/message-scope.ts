/**
 * What the message currently being handled passes on to anything published or called while
 * handling it: its correlation id and trace headers. Carried with AsyncLocalStorage so handlers
 * need not thread it through by hand.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface MessageScope {
  correlationId: string | undefined;
  traceHeaders: Record<string, string>;
}

/** W3C trace context and baggage; whatever tracing the services add will use these names. */
const TRACE_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;

const storage = new AsyncLocalStorage<MessageScope>();

export function currentScope(): MessageScope | undefined {
  return storage.getStore();
}

export function runInScope<T>(scope: MessageScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function scopeOf(correlationId: string | undefined, headers: Record<string, unknown>): MessageScope {
  const traceHeaders: Record<string, string> = {};
  for (const name of TRACE_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') traceHeaders[name] = value;
  }
  return { correlationId, traceHeaders };
}
