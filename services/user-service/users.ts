/**
 * The user accounts in SQLite. Every change appends its event to the outbox in the same
 * transaction, so the account and its announcement are committed together or not at all.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../common/sqlite.js';
import { conflict, notFound } from '../common/errors.js';
import type { UserServiceHandlers } from '../../generated/services/user-service.js';
import type { Outbox } from './outbox.js';

/** Free-form profile fields, as the contract's `UserProfile.profile_data` allows them. */
export type ProfileData = Awaited<ReturnType<UserServiceHandlers['userProfileGet']>>['profile_data'];

export interface User {
  user_id: string;
  username: string;
  email: string;
  profile_data: ProfileData;
  created_at: string;
  updated_at: string;
}

export interface NewUser {
  username: string;
  email: string;
  profile_data?: ProfileData;
}

export type UserChanges = Partial<NewUser>;

export const USERS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL UNIQUE,
    profile_data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
`;

type UserRow = Omit<User, 'profile_data'> & { profile_data: string };

export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
  ) {}

  create(input: NewUser): User {
    const now = new Date().toISOString();
    const user: User = { user_id: randomUUID(), username: input.username, email: input.email, profile_data: input.profile_data ?? {}, created_at: now, updated_at: now };
    this.db.transaction(() => {
      this.write('INSERT INTO users (user_id, username, email, profile_data, created_at, updated_at) VALUES (@user_id, @username, @email, @profile_data, @created_at, @updated_at)', user);
      this.outbox.append('userCreated', { user_id: user.user_id, username: user.username, email: user.email, timestamp: now });
    })();
    return user;
  }

  get(userId: string): User | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE user_id = ?').get(userId) as UserRow | undefined;
    return row && { ...row, profile_data: JSON.parse(row.profile_data) as ProfileData };
  }

  update(userId: string, changes: UserChanges): User {
    return this.db.transaction(() => {
      const current = this.require(userId);
      const now = new Date().toISOString();
      const user: User = { ...current, ...changes, profile_data: changes.profile_data ?? current.profile_data, updated_at: now };
      this.write('UPDATE users SET username = @username, email = @email, profile_data = @profile_data, updated_at = @updated_at WHERE user_id = @user_id', user);
      this.outbox.append('userUpdated', { user_id: userId, username: user.username, email: user.email, timestamp: now });
      return user;
    })();
  }

  delete(userId: string): void {
    this.db.transaction(() => {
      this.require(userId);
      this.db.prepare('DELETE FROM users WHERE user_id = ?').run(userId);
      this.outbox.append('userDeleted', { user_id: userId, timestamp: new Date().toISOString() });
    })();
  }

  require(userId: string): User {
    const user = this.get(userId);
    if (!user) throw notFound(`no user with id ${userId}`);
    return user;
  }

  private write(sql: string, user: User): void {
    try {
      this.db.prepare(sql).run({ ...user, profile_data: JSON.stringify(user.profile_data) });
    } catch (error) {
      const taken = /UNIQUE constraint failed: users\.(\w+)/.exec((error as Error).message)?.[1];
      if (taken) throw conflict(`${taken} "${user[taken as 'username' | 'email']}" is already taken`);
      throw error;
    }
  }
}
