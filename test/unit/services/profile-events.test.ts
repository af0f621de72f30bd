import { describe, expect, it } from 'vitest';
import {
  applyUserEvent,
  eventTime,
  type ProfileRecord,
  type UserEvent,
} from '../../../services/matching-service/profile-events.js';

const ID = '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01';
const created = (timestamp: string, username = 'ada'): UserEvent => ({
  user_id: ID,
  username,
  email: `${username}@example.com`,
  timestamp,
});
const deleted = (timestamp: string): UserEvent => ({ user_id: ID, timestamp });
const live = (time: string, username = 'ada'): ProfileRecord => ({
  user_id: ID,
  username,
  email: `${username}@example.com`,
  deleted: false,
  version: Date.parse(time),
});
const tombstone = (time: string): ProfileRecord => ({
  user_id: ID,
  username: null,
  email: null,
  deleted: true,
  version: Date.parse(time),
});

const T1 = '2026-11-29T10:00:00.000Z';
const T2 = '2026-11-29T10:05:00.000Z';

describe('applyUserEvent', () => {
  it.each<[string, ProfileRecord | undefined, UserEvent, ProfileRecord | undefined]>([
    ['a first user.created makes the profile', undefined, created(T1), live(T1)],
    ['a later update changes it', live(T1), created(T2, 'ada.l'), live(T2, 'ada.l')],
    ['the same event again leaves it as it is (redelivery)', live(T1), created(T1), live(T1)],
    ['an older event is ignored (out of order after a retry)', live(T2, 'ada.l'), created(T1), undefined],
    ['a deletion leaves a tombstone', live(T1), deleted(T2), tombstone(T2)],
    ['a deletion of an unknown user still leaves a tombstone', undefined, deleted(T1), tombstone(T1)],
    ['a late user.created cannot revive a deleted user', tombstone(T1), created(T2), undefined],
  ])('%s', (_name, current, event, want) => {
    expect(applyUserEvent(current, event)).toEqual(want);
  });
});

describe('eventTime', () => {
  it.each([
    ['UTC with Z', '2026-11-29T10:00:00.000Z', Date.UTC(2026, 10, 29, 10)],
    ['naive, as Python sends it, read as UTC', '2026-11-29T10:00:00.123456', Date.UTC(2026, 10, 29, 10, 0, 0, 123)],
    ['with an offset', '2026-11-29T12:00:00+02:00', Date.UTC(2026, 10, 29, 10)],
  ])('%s', (_name, timestamp, want) => {
    expect(eventTime(timestamp)).toBe(want);
  });
});
