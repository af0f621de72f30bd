/**
 * What reaches this instance about a session: its edits and its end, only while the instance hosts
 * one of its participants. Each participant socket holds one subscription to each; the runtime
 * counts them per session, so the first socket of a session binds it and the last one to leave
 * unbinds it.
 */
import type { CollaborationServiceBus } from '../../generated/services/collaboration-service.js';

type Subscriptions = Pick<CollaborationServiceBus, 'subscribe' | 'unsubscribe'>;
const FEEDS = ['codeUpdated', 'sessionEnded'] as const;

export class SessionFeed {
  constructor(private readonly bus: Subscriptions) {}

  /** Resolves, once this instance receives the session's edits and end, with the release of this hold. */
  async host(sessionId: string): Promise<() => Promise<void>> {
    const params = { session_id: sessionId };
    const results = await Promise.allSettled(FEEDS.map((feed) => this.bus.subscribe[feed](params)));
    const held = FEEDS.filter((_, index) => results[index]?.status === 'fulfilled');
    const release = async () => {
      await Promise.all(held.map((feed) => this.bus.unsubscribe[feed](params)));
    };
    const failed = results.find((result) => result.status === 'rejected');
    if (failed !== undefined) {
      await release();
      throw failed.reason;
    }
    return release;
  }
}
