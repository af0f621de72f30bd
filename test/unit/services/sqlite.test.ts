import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../services/common/sqlite.js';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)';
const dirs: string[] = [];
const dbs: Db[] = [];

function open(dir = mkdtempSync(join(tmpdir(), 'sqlite-test-'))): { db: Db; dir: string } {
  dirs.push(dir);
  const db = openDatabase(dir, 'test.db', SCHEMA);
  dbs.push(db);
  return { db, dir };
}

const bodies = (db: Db): unknown[] =>
  db
    .prepare('SELECT body FROM notes ORDER BY id')
    .all()
    .map((row) => row.body);

afterEach(() => {
  for (const db of dbs.splice(0)) if (db.isOpen) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('openDatabase', () => {
  it('opens the file in WAL mode with the schema applied, and a second connection sees committed rows', () => {
    const { db, dir } = open();
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('PRAGMA busy_timeout').get()).toEqual({ timeout: 5000 });
    db.transaction(() => db.prepare('INSERT INTO notes VALUES (?, ?)').run('1', 'first'))();
    expect(bodies(open(dir).db)).toEqual(['first']);
  });

  it('binds a record by name, ignoring fields the statement does not use', () => {
    const { db } = open();
    db.prepare('INSERT INTO notes VALUES (@id, @body)').run({ id: '1', body: 'named', extra: 'ignored' });
    expect(bodies(db)).toEqual(['named']);
  });
});

describe('Db.transaction', () => {
  it('commits what the function wrote and returns its result', () => {
    const { db } = open();
    const insert = db.transaction(
      (id: string, body: string) => db.prepare('INSERT INTO notes VALUES (?, ?)').run(id, body).changes,
    );
    expect(insert('1', 'kept')).toBe(1);
    expect(db.isTransaction).toBe(false);
    expect(bodies(db)).toEqual(['kept']);
  });

  it('rolls everything back when the function throws, and rethrows', () => {
    const { db } = open();
    const failing = db.transaction(() => {
      db.prepare('INSERT INTO notes VALUES (?, ?)').run('1', 'lost');
      throw new Error('boom');
    });
    expect(failing).toThrow('boom');
    expect(db.isTransaction).toBe(false);
    expect(bodies(db)).toEqual([]);
  });

  it('a nested call that throws undoes only its own writes', () => {
    const { db } = open();
    const insert = (id: string, body: string) => db.prepare('INSERT INTO notes VALUES (?, ?)').run(id, body);
    db.transaction(() => {
      insert('1', 'outer');
      expect(
        db.transaction(() => {
          insert('2', 'inner');
          throw new Error('inner failed');
        }),
      ).toThrow('inner failed');
      db.transaction(() => insert('3', 'inner kept'))();
    })();
    expect(bodies(db)).toEqual(['outer', 'inner kept']);
  });
});
