import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines, Expiring } from '../../../runtime/deadlines.js';

class Operation extends Expiring {
  constructor(
    readonly name: string,
    timeoutMs: number,
  ) {
    super(performance.now() + timeoutMs);
  }
}

describe('Deadlines', () => {
  let expired: string[];
  let deadlines: Deadlines<Operation>;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    expired = [];
    deadlines = new Deadlines<Operation>((operation) => expired.push(operation.name));
  });

  afterEach(() => vi.useRealTimers());

  it('expires each operation at its own deadline, a shorter one tracked later first', () => {
    deadlines.track(new Operation('long', 300));
    deadlines.track(new Operation('short', 100));
    vi.advanceTimersByTime(150);
    expect(expired).toEqual(['short']);
    vi.advanceTimersByTime(200);
    expect(expired).toEqual(['short', 'long']);
  });

  it('never expires an operation that was forgotten, and leaves no timer once nothing is tracked', () => {
    const done = new Operation('done', 100);
    deadlines.track(done);
    deadlines.track(new Operation('pending', 200));
    deadlines.untrack(done);
    vi.advanceTimersByTime(250);
    expect(expired).toEqual(['pending']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps watching operations tracked while others expire', () => {
    deadlines.track(new Operation('first', 100));
    vi.advanceTimersByTime(50);
    deadlines.track(new Operation('second', 100));
    vi.advanceTimersByTime(60);
    expect(expired).toEqual(['first']);
    vi.advanceTimersByTime(50);
    expect(expired).toEqual(['first', 'second']);
  });
});
