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

/** W3C's limit for baggage, the largest of them: a peer's larger value is not passed on to every publish. */
const MAX_TRACE_HEADER_LENGTH = 8_192;

export function isTraceHeader(name: string): boolean {
  return (TRACE_HEADERS as readonly string[]).includes(name);
}

const storage = new AsyncLocalStorage<MessageScope>();
const NOTHING_TO_CARRY: MessageScope = Object.freeze({ correlationId: undefined, traceHeaders: Object.freeze({}) });

export function currentScope(): MessageScope | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` in `scope`. Without a scope (nothing to pass on) AsyncLocalStorage is left alone, as
 * long as no outer scope would show through: on Node 20 its first use puts a hook on every promise
 * and async resource the process creates from then on. Publishing and calling behave the same
 * either way.
 */
export function runInScope<T>(scope: MessageScope | undefined, fn: () => T): T {
  if (scope === undefined && storage.getStore() === undefined) return fn();
  return storage.run(scope ?? NOTHING_TO_CARRY, fn);
}

/** The scope for handling a message; undefined when it carries no correlation id and no trace headers. */
export function scopeOf(correlationId: string | undefined, headers: Record<string, unknown>): MessageScope | undefined {
  let traceHeaders: Record<string, string> | undefined;
  for (const name of TRACE_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string' && value.length <= MAX_TRACE_HEADER_LENGTH) (traceHeaders ??= {})[name] = value;
  }
  if (correlationId === undefined && traceHeaders === undefined) return undefined;
  return { correlationId, traceHeaders: traceHeaders ?? {} };
}
