/**
 * An edit whose publish fails: removed from the session's store when it surely reached nobody, kept
 * when the publish timed out (the broker may have delivered it to some participants, and the store is
 * how the others get it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CollaborationServiceBus } from '../../../generated/services/collaboration-service.js';
import { PublishFailedError, PublishTimeoutError } from '../../../runtime/index.js';
import { SessionLifecycle } from '../../../services/collaboration-service/lifecycle.js';
import { SessionRooms } from '../../../services/collaboration-service/rooms.js';
import { openSession, scratchSessionStore, type ScratchSessionStore } from '../../support/session-store.js';

describe('an edit whose publish fails', () => {
  let scratch: ScratchSessionStore;
  beforeEach(() => (scratch = scratchSessionStore()));
  afterEach(() => scratch.remove());

  /** A lifecycle whose every code_updated publish fails with `error` (the broker's answer is what is under test, not the broker). */
  const editFailingWith = async (error: Error) => {
    const bus = { publish: { codeUpdated: () => Promise.reject(error) } } as unknown as CollaborationServiceBus;
    const { store } = scratch;
    const lifecycle = new SessionLifecycle(bus, store, new SessionRooms());
    const { session_id, user_ids } = openSession(store);
    await expect(lifecycle.edit(session_id, user_ids[0], 'x = 1')).rejects.toBe(error);
    return store.latestEdits(session_id, Number.POSITIVE_INFINITY).edits.map((edit) => edit.code_delta);
  };

  it('is kept in the session when the publish timed out (it may have been delivered)', async () => {
    expect(
      await editFailingWith(new PublishTimeoutError('collaboration.events', 'session.x.code_updated', 10_000)),
    ).toEqual(['x = 1']);
  });

  it('is removed when the broker refused it', async () => {
    expect(
      await editFailingWith(new PublishFailedError('collaboration.events', 'session.x.code_updated', 'nack')),
    ).toEqual([]);
  });
});
