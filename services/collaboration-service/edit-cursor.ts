/**
 * Which of a session's stored edits one socket has been sent, by store order (`seq`), so that it
 * gets each once: from the broker, or from the store when its instance catches up after a lost
 * queue. `floor`: every edit of the session up to it was sent (or left out of `joined` as too old).
 * Edits of two instances may arrive out of store order; one sent before the edit stored ahead of it
 * is kept in `ahead` until that one came too, then `floor` moves past both.
 */
import type { EditPosition } from './sessions.js';

/** Edits sent ahead of a gap in store order beyond which the gap is taken as lost (an edit that will never arrive): see `stalled`. */
const MAX_AHEAD = 256;

export class EditCursor {
  private readonly ahead = new Map<number, number>();

  constructor(private through: number) {}

  /** Every edit of the session up to this `seq` was sent. */
  get floor(): number {
    return this.through;
  }

  /** True when so many edits came after a gap that it will not close by itself: the socket should catch up from the store. */
  get stalled(): boolean {
    return this.ahead.size > MAX_AHEAD;
  }

  /** True if the edit at `position` was not sent yet (the caller sends it now); records it as sent. */
  admit({ seq, prev }: EditPosition): boolean {
    if (seq <= this.through) return false;
    const sent = this.ahead.has(seq);
    if (prev > this.through) {
      this.ahead.set(seq, prev);
      return !sent;
    }
    this.ahead.delete(seq);
    this.through = seq;
    // The edits sent ahead whose predecessor is now covered close the gap behind them.
    for (let moved = true; moved;) {
      moved = false;
      for (const [aheadSeq, aheadPrev] of this.ahead) {
        if (aheadPrev > this.through) continue;
        this.ahead.delete(aheadSeq);
        this.through = Math.max(this.through, aheadSeq);
        moved = true;
      }
    }
    return !sent;
  }
}
