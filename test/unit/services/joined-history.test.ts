/** What a `joined` frame carries of a session's stored edits: the newest that fit in its budget, oldest first. */
import { describe, expect, it } from 'vitest';
import { HISTORY_BYTES, MAX_UNSENT_BYTES, latestEdits } from '../../../services/collaboration-service/participant.js';

const edit = (index: number, size = 10) => ({ edit_id: `e${index}`, user_id: 'u', code_delta: `${index}`.padEnd(size, 'x'), timestamp: '2026-12-03T18:00:00.000Z' });

describe('latestEdits', () => {
  it('carries every edit of a short session, in order', () => {
    const edits = [edit(0), edit(1), edit(2)];
    expect(latestEdits(edits)).toEqual({ edits, omitted_edits: 0 });
  });

  it('carries the newest edits of a long one within the budget, and says how many older ones it left out', () => {
    const edits = Array.from({ length: 100 }, (_, index) => edit(index, 65_536));
    const { edits: carried, omitted_edits } = latestEdits(edits);
    expect(carried).toEqual(edits.slice(omitted_edits));
    expect(omitted_edits).toBeGreaterThan(0);
    expect(Buffer.byteLength(JSON.stringify(carried))).toBeLessThanOrEqual(HISTORY_BYTES + carried.length);
    expect(Buffer.byteLength(JSON.stringify(edits.slice(omitted_edits - 1)))).toBeGreaterThan(HISTORY_BYTES);
    expect(HISTORY_BYTES).toBeLessThan(MAX_UNSENT_BYTES);
  });
});
