import { Db } from '../../../services/common/sqlite.js';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../services/common/errors.js';
import { normaliseUsername, usernameKey } from '../../../services/user-service/username.js';
import { prepareUsersTable } from '../../../services/user-service/users.js';

describe('normaliseUsername', () => {
  it.each<[string, string, { name: string; key: string }]>([
    ['ASCII keeps its case; the key is lower case', 'QA-Valid', { name: 'QA-Valid', key: 'qa-valid' }],
    ['a decomposed accent is stored precomposed (NFC)', 'Zoe\u0301', { name: 'Zo\u00e9', key: 'zo\u00e9' }],
    ['sharp s folds to ss', 'Straße', { name: 'Straße', key: 'strasse' }],
    [
      'fullwidth letters are their ASCII selves in the key, not in the name',
      '\uff21\uff44\uff41',
      { name: '\uff21\uff44\uff41', key: 'ada' },
    ],
    ['a ligature is its letters in the key', '\ufb01sh', { name: '\ufb01sh', key: 'fish' }],
    ['Greek final sigma and capital sigma fold together', 'ΟΔΥΣΣΕΥΣ', { name: 'ΟΔΥΣΣΕΥΣ', key: 'οδυσσευς' }],
    ['a space inside is kept', 'ada lovelace', { name: 'ada lovelace', key: 'ada lovelace' }],
  ])('%s', (_name, raw, want) => {
    expect(normaliseUsername(raw)).toEqual(want);
  });

  it.each<[string, string, string]>([
    ['upper and lower case', 'QA-VALID', 'qa-valid'],
    ['composed and decomposed', 'Ren\u00e9e', 'Rene\u0301e'],
    ['capital sharp s and SS', 'STRA\u1e9eE', 'strasse'],
    ['fullwidth and ASCII', '\uff21\uff24\uff21', 'ada'],
    ['final and medial sigma', 'οδυσσευς', 'οδυσσευσ'],
  ])('%s are one name', (_name, a, b) => {
    expect(usernameKey(a)).toBe(usernameKey(b));
  });

  it.each<[string, string, string]>([
    ['dotted capital I is not i', '\u0130stanbul', 'istanbul'],
    ['a letter with and without its accent', 'renee', 'ren\u00e9e'],
    ['Cyrillic a is not Latin a', '\u0430da', 'ada'],
  ])('%s: two names', (_name, a, b) => {
    expect(usernameKey(a)).not.toBe(usernameKey(b));
  });

  it.each(['ada ', ' ada', '\u3000ada', 'ada\u00a0'])('white space around %j is refused', (raw) => {
    expect(() => normaliseUsername(raw)).toThrow(new HttpError(400, 'username must not begin or end with white space'));
  });
});

describe('prepareUsersTable', () => {
  const LEGACY = `CREATE TABLE users (user_id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT NOT NULL UNIQUE,
    profile_data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);`;
  const legacyDb = (...usernames: string[]) => {
    const db = new Db(':memory:');
    db.exec(LEGACY);
    const insert = db.prepare("INSERT INTO users VALUES (?, ?, ?, '{}', 't', 't')");
    usernames.forEach((username, index) => insert.run(`u${index}`, username, `${index}@example.com`));
    return db;
  };

  it('gives a table from before case-insensitive names its keys and makes them unique', () => {
    const db = legacyDb('Ada', 'grace');
    prepareUsersTable(db);
    expect(db.prepare('SELECT username, username_key FROM users ORDER BY user_id').all()).toEqual([
      { username: 'Ada', username_key: 'ada' },
      { username: 'grace', username_key: 'grace' },
    ]);
    expect(() =>
      db.prepare("INSERT INTO users VALUES ('u9', 'ADA', 'x@example.com', '{}', 't', 't', 'ada')").run(),
    ).toThrow(/UNIQUE constraint failed: users\.username_key/);
    prepareUsersTable(db); // and again, at the next start: nothing to do
  });

  it('refuses to start on names that already collide, naming them', () => {
    expect(() => prepareUsersTable(legacyDb('QA-VALID', 'qa-valid', 'ok'))).toThrow(
      'usernames that differ only in case or Unicode form must be made distinct before user-service can start: "QA-VALID" = "qa-valid"',
    );
  });
});
