/**
 * What a socket has been sent of its session's edits (`EditCursor`): each edit once, whether it
 * comes from the broker in store order, out of it (two instances publishing), twice (a
 * redelivery), or from the store when its instance catches up; a gap that does not close is
 * reported, so the socket catches up from the store.
 */
import { describe, expect, it } from 'vitest';
import { EditCursor } from '../../../services/collaboration-service/edit-cursor.js';

/** Edits of one session in store order, by `seq`, with other sessions' edits between some of them. */
const SESSION = [3, 4, 7, 8, 12];
const at = (seq: number) => ({ seq, prev: SESSION[SESSION.indexOf(seq) - 1] ?? 0 });

/** Admits each `seq` in turn; returns the ones the socket was to be sent, and the floor after. */
function admitted(floor: number, arrivals: number[]): { sent: number[]; floor: number } {
  const cursor = new EditCursor(floor);
  const sent = arrivals.filter((seq) => cursor.admit(at(seq)));
  return { sent, floor: cursor.floor };
}

describe('a socket’s cursor over its session’s edits', () => {
  it.each([
    ['in store order', 0, [3, 4, 7, 8, 12], [3, 4, 7, 8, 12], 12],
    ['out of store order (two instances publish)', 0, [4, 3, 8, 7, 12], [4, 3, 8, 7, 12], 12],
    ['twice (a redelivery), before and after the gap closed', 0, [4, 4, 3, 4, 3], [4, 3], 4],
    ['what `joined` carried already', 7, [4, 7, 8], [8], 8],
    ['with a gap still open', 3, [7, 8, 12], [7, 8, 12], 3],
  ])('sends each edit once: %s', (_, floor, arrivals, sent, after) => {
    expect(admitted(floor, arrivals)).toEqual({ sent, floor: after });
  });

  it('closes a gap from the store, sending only what it had not sent', () => {
    const cursor = new EditCursor(3);
    for (const seq of [8, 12]) expect(cursor.admit(at(seq))).toBe(true);
    // The store's edits after the floor, each after the one before it.
    expect([4, 7, 8, 12].filter((seq, index, read) => cursor.admit({ seq, prev: read[index - 1] ?? 3 }))).toEqual([
      4, 7,
    ]);
    expect(cursor.floor).toBe(12);
    expect(cursor.admit(at(7))).toBe(false);
  });

  it('reports a gap that does not close once many edits came after it', () => {
    const cursor = new EditCursor(1);
    let seq = 3;
    cursor.admit({ seq, prev: 2 });
    while (!cursor.stalled) cursor.admit({ seq: seq + 1, prev: seq++ });
    expect(cursor.floor).toBe(1);
    expect(cursor.admit({ seq: 2, prev: 1 })).toBe(true);
    expect(cursor.stalled).toBe(false);
    expect(cursor.floor).toBe(seq);
  });
});
