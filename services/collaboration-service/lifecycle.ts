/**
 * What happens to a session, and what is announced about it: opened from `match.found` (with the
 * full question from question-service), edited (each edit published for every instance to relay),
 * ended (announced once, so matching-service frees the users and every instance hosting a participant
 * closes its room).
 */
import { randomUUID } from 'node:crypto';
import type { CollaborationServiceBus } from '../../generated/services/collaboration-service.js';
import { PublishTimeoutError } from '../../runtime/index.js';
import { conflict, forbidden, HttpError } from '../common/errors.js';
import type { SessionRooms } from './rooms.js';
import type { EndReason, MatchFound, Session, SessionStore } from './sessions.js';

export class SessionLifecycle {
  constructor(
    private readonly bus: CollaborationServiceBus,
    private readonly sessions: SessionStore,
    private readonly rooms: SessionRooms,
  ) {}

  /** Idempotent: a redelivered `match.found` finds the session and announces it again. */
  async open(match: MatchFound): Promise<void> {
    const session =
      this.sessions.get(match.session_id) ??
      this.sessions.open({
        session_id: match.session_id,
        question: await this.bus.call.questionGet({ question_id: match.question.id }),
        user_ids: [match.users[0].user_id, match.users[1].user_id],
      });
    const { session_id, user_ids, started_at } = session;
    await this.bus.publish.sessionStarted(
      { session_id, question_id: session.question.question_id, user_ids, started_at },
      { session_id },
    );
  }

  /**
   * Stored before it is published, so that a participant who joins in between finds it in the store (and may see it live
   * too: `edit_id` tells). Removed again if the publish failed, unless it timed out (it may have been delivered).
   */
  async edit(sessionId: string, userId: string, codeDelta: string): Promise<void> {
    const session = this.sessions.require(sessionId);
    if (session.ended_at) throw new HttpError(410, `session ${sessionId} has ended`);
    const edit = { edit_id: randomUUID(), user_id: userId, code_delta: codeDelta, timestamp: new Date().toISOString() };
    this.sessions.appendEdit(sessionId, edit);
    try {
      await this.bus.publish.codeUpdated(
        { session_id: sessionId, user_id: userId, code_delta: codeDelta, timestamp: edit.timestamp },
        { session_id: sessionId },
        { messageId: edit.edit_id },
      );
    } catch (error) {
      // A publish that timed out may still have been delivered: some participants may have the edit, so it stays, and
      // the others get it from the store (when their instance catches up past the gap, or when they join again).
      if (!(error instanceof PublishTimeoutError)) this.sessions.removeEdit(sessionId, edit);
      throw error;
    }
  }

  async end(sessionId: string, userId: string, reason: EndReason): Promise<Session> {
    const session = this.sessions.require(sessionId);
    if (!session.user_ids.includes(userId)) throw forbidden(`user ${userId} is not in session ${sessionId}`);
    const ended = this.sessions.end(sessionId, reason);
    if (!ended) throw conflict(`session ${sessionId} has already ended`);
    try {
      await this.bus.publish.sessionEnded(
        { session_id: sessionId, user_ids: ended.user_ids, reason, ended_at: ended.ended_at! },
        { session_id: sessionId },
      );
    } catch (error) {
      this.sessions.reopen(sessionId);
      throw error;
    }
    // The other instances hosting it hear of it from the broker; this one may have published before it subscribed, so it closes its room itself.
    this.closeRoom(sessionId, reason);
    return ended;
  }

  /** Tells this instance's participants of the session that it ended, and lets them go. Idempotent. */
  closeRoom(sessionId: string, reason: string): void {
    this.rooms.broadcast(sessionId, { type: 'session_ended', reason });
    this.rooms.close(sessionId, 1000, 'session ended');
  }
}
