import { describe, expect, it } from 'vitest';
import { scopeOf } from '../../../runtime/message-scope.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('scopeOf', () => {
  it('carries the W3C trace headers of the handled message', () => {
    expect(scopeOf('c-1', { traceparent: TRACEPARENT, baggage: 'k=v', other: 'x' })).toEqual({
      correlationId: 'c-1',
      traceHeaders: { traceparent: TRACEPARENT, baggage: 'k=v' },
    });
  });

  it("does not pass on a trace header over W3C's 8,192-character limit, which would ride on everything the handler publishes", () => {
    expect(scopeOf('c-1', { traceparent: TRACEPARENT, baggage: 'k='.padEnd(8_193, 'v'), tracestate: 'a=b' })).toEqual({
      correlationId: 'c-1',
      traceHeaders: { traceparent: TRACEPARENT, tracestate: 'a=b' },
    });
    expect(scopeOf(undefined, { baggage: 'k='.padEnd(60_000, 'v') })).toBeUndefined();
  });
});
