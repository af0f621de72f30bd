/**
 * Match requests, from arrival to a match or a cancellation. Pending requests live in memory,
 * oldest first: they are short-lived (they time out) and a client whose request vanished with a
 * restart simply asks again. A pair is formed the moment a compatible request arrives: both
 * profiles are confirmed with user-service, a question is picked by question-service, the users are
 * marked as in a session, and `match.found` goes out. If any step fails, both requests go back
 * to the queue as they were.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MatchCancelled, MatchFound } from '../../generated/payloads.js';
import type { MatchingServiceBus } from '../../generated/services/matching-service.js';
import { describeError } from '../../runtime/index.js';
import { conflict, notFound } from '../common/errors.js';
import { findPartner, sharedTopics, type MatchRequest } from './pairing.js';
import type { ProfileStore } from './profiles.js';

export type MatchRequestInput = Omit<MatchRequest, 'request_id' | 'requested_at'>;
type CancelReason = MatchCancelled['reason'];

interface Pending {
  status: 'pending';
  /** Why the last attempt to pair this request failed, if one did. */
  last_error?: string;
}
interface Matched {
  status: 'matched';
  session_id: string;
  partner: { user_id: string; username: string };
  question: MatchFound['question'];
}
interface Cancelled {
  status: 'cancelled';
  reason: CancelReason;
}
export type MatchView = MatchRequest & (Pending | Matched | Cancelled);

export class Matchmaker {
  private readonly queue: MatchRequest[] = [];
  private readonly views = new Map<string, MatchView>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Users whose request is being announced: a second request from them must not slip in meanwhile. */
  private readonly arriving = new Set<string>();

  constructor(
    private readonly bus: Pick<MatchingServiceBus, 'publish' | 'call'>,
    private readonly profiles: ProfileStore,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  view(requestId: string): MatchView {
    const view = this.views.get(requestId);
    if (!view) throw notFound(`no match request with id ${requestId}`);
    return view;
  }

  async request(input: MatchRequestInput): Promise<MatchView> {
    this.assertFree(input.user_id);
    const request: MatchRequest = { request_id: randomUUID(), ...input, requested_at: new Date().toISOString() };
    this.arriving.add(input.user_id);
    try {
      await this.bus.publish.matchRequested(request);
    } finally {
      this.arriving.delete(input.user_id);
    }
    this.views.set(request.request_id, { ...request, status: 'pending' });
    this.enqueue(request);
    await this.pairIfPossible(request);
    return this.view(request.request_id);
  }

  async cancel(requestId: string): Promise<MatchView> {
    const view = this.view(requestId);
    const request = this.dequeue(requestId);
    if (!request) {
      throw conflict(
        `match request ${requestId} cannot be cancelled: it is ${view.status === 'pending' ? 'being paired right now' : `already ${view.status}`}`,
      );
    }
    await this.withdraw(request, 'user_cancelled');
    return this.view(requestId);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private assertFree(userId: string): void {
    const profile = this.profiles.get(userId);
    if (!profile) {
      throw notFound(
        `matching-service has no profile for user ${userId}: its user.created has not arrived yet, or the user was deleted`,
      );
    }
    if (profile.session_id)
      throw conflict(`user ${userId} is in session ${profile.session_id}; ask again once it has ended`);
    const waiting = this.queue.find((pending) => pending.user_id === userId);
    if (waiting || this.arriving.has(userId))
      throw conflict(`user ${userId} already waits for a match${waiting ? ` (request ${waiting.request_id})` : ''}`);
  }

  private async pairIfPossible(request: MatchRequest): Promise<void> {
    const partner = findPartner(this.queue, request);
    if (!partner) return;
    this.dequeue(partner.request_id);
    this.dequeue(request.request_id);
    try {
      await this.pair(partner, request);
    } catch (error) {
      this.logger.warn(
        { requests: [partner.request_id, request.request_id], err: describeError(error) },
        'pairing failed; both requests wait again',
      );
      for (const back of [partner, request]) {
        this.views.set(back.request_id, { ...back, status: 'pending', last_error: describeError(error) });
        this.enqueue(back);
      }
    }
  }

  private async pair(a: MatchRequest, b: MatchRequest): Promise<void> {
    const [profileA, profileB] = await Promise.all(
      [a, b].map(({ user_id }) => this.bus.call.userProfileGet({ user_id })),
    );
    const picked = await this.bus.call.questionPick({
      difficulty: a.difficulty,
      topics: sharedTopics(a.topics, b.topics)!,
    }); // paired, so they share a topic
    const question = {
      id: picked.question_id,
      difficulty: picked.difficulty,
      topics: picked.topics,
      title: picked.title,
    };
    const sessionId = randomUUID();
    this.profiles.enterSession(sessionId, [a.user_id, b.user_id]);
    try {
      await this.bus.publish.matchFound({
        event_type: 'match.found',
        version: 1,
        occurred_at: new Date().toISOString(),
        session_id: sessionId,
        question,
        users: [{ user_id: a.user_id }, { user_id: b.user_id }],
      });
    } catch (error) {
      this.profiles.leaveSession(sessionId);
      throw error;
    }
    this.settle(a, {
      status: 'matched',
      session_id: sessionId,
      partner: { user_id: b.user_id, username: profileB!.username },
      question,
    });
    this.settle(b, {
      status: 'matched',
      session_id: sessionId,
      partner: { user_id: a.user_id, username: profileA!.username },
      question,
    });
  }

  /** Takes a dequeued request out for good and announces it; on failure it waits again. */
  private async withdraw(request: MatchRequest, reason: CancelReason): Promise<void> {
    try {
      await this.bus.publish.matchCancelled({
        request_id: request.request_id,
        user_id: request.user_id,
        reason,
        cancelled_at: new Date().toISOString(),
      });
    } catch (error) {
      this.enqueue(request);
      throw error;
    }
    this.settle(request, { status: 'cancelled', reason });
  }

  /** Into the queue in arrival order, with its time-out; one that waited too long already times out now. */
  private enqueue(request: MatchRequest): void {
    const at = this.queue.findIndex((pending) => pending.requested_at > request.requested_at);
    this.queue.splice(at === -1 ? this.queue.length : at, 0, request);
    const remainingMs = Date.parse(request.requested_at) + this.timeoutMs - Date.now();
    clearTimeout(this.timers.get(request.request_id));
    this.timers.set(
      request.request_id,
      setTimeout(() => this.timeOut(request.request_id), Math.max(0, remainingMs)),
    );
  }

  private dequeue(requestId: string): MatchRequest | undefined {
    const at = this.queue.findIndex((pending) => pending.request_id === requestId);
    return at === -1 ? undefined : this.queue.splice(at, 1)[0];
  }

  private timeOut(requestId: string): void {
    const request = this.dequeue(requestId);
    if (!request) return; // being paired: it is re-queued (and times out then) only if pairing fails
    this.withdraw(request, 'timed_out').catch((error: unknown) =>
      this.logger.warn(
        { requestId, err: describeError(error) },
        'could not announce a timed-out match request; it waits again',
      ),
    );
  }

  private settle(request: MatchRequest, outcome: Matched | Cancelled): void {
    clearTimeout(this.timers.get(request.request_id));
    this.timers.delete(request.request_id);
    this.views.set(request.request_id, { ...request, ...outcome });
  }
}
