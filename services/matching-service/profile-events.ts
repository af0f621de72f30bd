/**
 * How a user event changes a matching profile, as a pure function. Events arrive at least once and,
 * after retries, not always in order: an event older than what the profile already reflects is
 * ignored, and a deletion leaves a tombstone so that a late `user.created` cannot bring it back.
 */
import type { MatchingServiceHandlers } from '../../generated/services/matching-service.js';

export type UserCreated = Parameters<MatchingServiceHandlers['userCreated']>[0];
export type UserUpdated = Parameters<MatchingServiceHandlers['userUpdated']>[0];
export type UserDeleted = Parameters<MatchingServiceHandlers['userDeleted']>[0];
export type UserEvent = UserCreated | UserUpdated | UserDeleted;

export interface ProfileRecord {
  user_id: string;
  username: string | null;
  email: string | null;
  deleted: boolean;
  /** When the event this record reflects happened (ms since the epoch). */
  version: number;
}

/** The record after `event`, or undefined when the event changes nothing. */
export function applyUserEvent(current: ProfileRecord | undefined, event: UserEvent): ProfileRecord | undefined {
  const version = eventTime(event.timestamp);
  if (current && version < current.version) return undefined;
  if (!('username' in event)) return { user_id: event.user_id, username: null, email: null, deleted: true, version };
  if (current?.deleted) return undefined;
  return { user_id: event.user_id, username: event.username, email: event.email, deleted: false, version };
}

/** The Python services send naive UTC (`datetime.utcnow().isoformat()`); the contract reads it as UTC. */
export function eventTime(timestamp: string): number {
  const hasOffset = /(Z|[+-]\d\d:?\d\d)$/i.test(timestamp);
  return Date.parse(hasOffset ? timestamp : `${timestamp}Z`);
}
