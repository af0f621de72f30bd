/**
 * Deadlines for many concurrent operations on one timer, armed for the earliest of them. A timer
 * per operation costs an allocation, a timer-list insertion and a removal on every publish. Here
 * operations sit in a list of their own links (no allocation to track or forget one), and the
 * timer is re-armed only when a new deadline is earlier than the armed one: rare, since most
 * operations share one timeout and so arrive in deadline order.
 */
export abstract class Expiring {
  /** The list's links; only `Deadlines` touches them. */
  older: Expiring | undefined = undefined;
  newer: Expiring | undefined = undefined;
  tracked = false;

  /** `deadline` is a `performance.now()` reading. */
  constructor(readonly deadline: number) {}
}

export class Deadlines<T extends Expiring> {
  private oldest: Expiring | undefined = undefined;
  private newest: Expiring | undefined = undefined;
  private timer: NodeJS.Timeout | undefined = undefined;
  private armedFor = Number.POSITIVE_INFINITY;

  constructor(private readonly expire: (item: T) => void) {}

  track(item: T): void {
    item.tracked = true;
    item.older = this.newest;
    if (this.newest) this.newest.newer = item;
    else this.oldest = item;
    this.newest = item;
    if (item.deadline < this.armedFor) this.arm(item.deadline);
  }

  /** Forgets `item`; with nothing left to watch the timer goes too, so it never keeps the process alive. */
  untrack(item: T): void {
    if (!item.tracked) return;
    item.tracked = false;
    if (item.older) item.older.newer = item.newer;
    else this.oldest = item.newer;
    if (item.newer) item.newer.older = item.older;
    else this.newest = item.older;
    item.older = item.newer = undefined;
    if (!this.oldest) this.disarm();
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedFor = at;
    this.timer = setTimeout(() => this.sweep(), Math.max(0, at - performance.now()));
  }

  private disarm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
  }

  /** Expires everything due and re-arms for the earliest deadline left: about once per timeout period. */
  private sweep(): void {
    this.timer = undefined;
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = performance.now();
    const due: T[] = [];
    let earliest = Number.POSITIVE_INFINITY;
    for (let item = this.oldest; item; item = item.newer) {
      if (item.deadline <= now) due.push(item as T);
      else if (item.deadline < earliest) earliest = item.deadline;
    }
    for (const item of due) {
      this.untrack(item);
      this.expire(item);
    }
    // Node may fire the timer a little before `now` passes the deadline (it counts from its cached loop time): then this only re-arms.
    if (earliest < this.armedFor && this.oldest) this.arm(earliest);
  }
}
