/** Which pending match requests go together: pure functions over the request queue. */
import type { MatchRequested, Topics } from '../../generated/payloads.js';

/** A pending request is exactly what `match.requested` announced. */
export type MatchRequest = MatchRequested;

/** The topics both requests named, in the order of the first; undefined if they share none. */
export function sharedTopics(a: Topics, b: Topics): Topics | undefined {
  const shared = a.filter((topic) => b.includes(topic));
  return shared.length > 0 ? (shared as Topics) : undefined;
}

/** Two different users, the same difficulty, at least one topic in common. */
export function compatible(a: MatchRequest, b: MatchRequest): boolean {
  return a.user_id !== b.user_id && a.difficulty === b.difficulty && sharedTopics(a.topics, b.topics) !== undefined;
}

/** The partner for `request`: the compatible request that has waited longest. `pending` is oldest first. */
export function findPartner(pending: readonly MatchRequest[], request: MatchRequest): MatchRequest | undefined {
  return pending.find((candidate) => candidate.request_id !== request.request_id && compatible(candidate, request));
}
