/**
 * The user accounts in SQLite. Every change appends its event to the outbox in the same
 * transaction, so the account and its announcement are committed together or not at all.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../common/sqlite.js';
import { conflict, notFound } from '../common/errors.js';
import type { UserServiceHandlers } from '../../generated/services/user-service.js';
import type { Outbox } from './outbox.js';
import { normaliseUsername, usernameKey } from './username.js';

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

/** `username_key` (see username.ts) is what makes a username unique; `prepareUsersTable` indexes it. */
export const USERS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    username_key TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    profile_data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
`;

/**
 * Gives a users table from before case-insensitive usernames its `username_key` column, then makes
 * the key unique. Names that already collide stop the start, each pair named: an operator decides
 * which user renames.
 */
export function prepareUsersTable(db: Db): void {
  const columns = db.prepare('SELECT name FROM pragma_table_info(?)').all('users') as { name: string }[];
  if (!columns.some(({ name }) => name === 'username_key')) {
    db.transaction(() => {
      db.exec('ALTER TABLE users ADD COLUMN username_key TEXT');
      const setKey = db.prepare('UPDATE users SET username_key = ? WHERE user_id = ?');
      for (const { user_id, username } of db.prepare('SELECT user_id, username FROM users').all() as Pick<
        User,
        'user_id' | 'username'
      >[]) {
        setKey.run(usernameKey(username), user_id);
      }
    })();
  }
  const clashes = db
    .prepare(
      "SELECT group_concat(json_quote(username), ' = ') AS names FROM users GROUP BY username_key HAVING count(*) > 1",
    )
    .all() as { names: string }[];
  if (clashes.length > 0)
    throw new Error(
      `usernames that differ only in case or Unicode form must be made distinct before user-service can start: ${clashes.map(({ names }) => names).join('; ')}`,
    );
  db.exec('CREATE UNIQUE INDEX IF NOT EXISTS users_username_key ON users (username_key)');
}

type UserRow = Omit<User, 'profile_data'> & { profile_data: string };
type UserRecord = User & { username_key: string };

export class UserStore {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
  ) {}

  create(input: NewUser): User {
    const now = new Date().toISOString();
    const { name, key } = normaliseUsername(input.username);
    const user: User = {
      user_id: randomUUID(),
      username: name,
      email: input.email,
      profile_data: input.profile_data ?? {},
      created_at: now,
      updated_at: now,
    };
    this.db.transaction(() => {
      this.write(
        'INSERT INTO users (user_id, username, username_key, email, profile_data, created_at, updated_at) VALUES (@user_id, @username, @username_key, @email, @profile_data, @created_at, @updated_at)',
        { ...user, username_key: key },
      );
      this.outbox.append('userCreated', {
        user_id: user.user_id,
        username: user.username,
        email: user.email,
        timestamp: now,
      });
    })();
    return user;
  }

  get(userId: string): User | undefined {
    const row = this.db
      .prepare('SELECT user_id, username, email, profile_data, created_at, updated_at FROM users WHERE user_id = ?')
      .get(userId) as UserRow | undefined;
    return row && { ...row, profile_data: JSON.parse(row.profile_data) as ProfileData };
  }

  update(userId: string, changes: UserChanges): User {
    return this.db.transaction(() => {
      const current = this.require(userId);
      const now = new Date().toISOString();
      const { name, key } =
        changes.username === undefined
          ? { name: current.username, key: usernameKey(current.username) }
          : normaliseUsername(changes.username);
      const user: User = {
        ...current,
        ...changes,
        username: name,
        profile_data: changes.profile_data ?? current.profile_data,
        updated_at: now,
      };
      this.write(
        'UPDATE users SET username = @username, username_key = @username_key, email = @email, profile_data = @profile_data, updated_at = @updated_at WHERE user_id = @user_id',
        { ...user, username_key: key },
      );
      this.outbox.append('userUpdated', {
        user_id: userId,
        username: user.username,
        email: user.email,
        timestamp: now,
      });
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

  private write(sql: string, user: UserRecord): void {
    try {
      this.db.prepare(sql).run({ ...user, profile_data: JSON.stringify(user.profile_data) });
    } catch (error) {
      const column = /UNIQUE constraint failed: users\.(\w+)/.exec((error as Error).message)?.[1];
      if (column === 'email') throw conflict(`email "${user.email}" is already taken`);
      if (column === 'username' || column === 'username_key') {
        throw conflict(
          `username "${user.username}" is already taken (usernames that differ only in case or Unicode form are the same name)`,
        );
      }
      throw error;
    }
  }
}
