/**
 * A service's SQLite database, on Node's built-in `node:sqlite` (no native build at install),
 * with the one thing the stores need beyond it: `transaction(fn)`, as better-sqlite3 had it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

export class Db extends DatabaseSync {
  constructor(path: string) {
    // Stores bind a whole record by name (`{ ...user }`) to statements that use only some fields.
    super(path, { allowUnknownNamedParameters: true });
    // Another process holding the write lock (two collaboration instances share a file) is waited for.
    this.exec('PRAGMA busy_timeout = 5000');
  }

  /**
   * Wraps `fn` so that each call runs in one transaction: committed when it returns, rolled back
   * when it throws. A call inside another transaction becomes a savepoint of it.
   */
  transaction<Args extends unknown[], Result>(fn: (...args: Args) => Result): (...args: Args) => Result {
    return (...args) => {
      const nested = this.isTransaction;
      // IMMEDIATE takes the write lock up front (waiting out busy_timeout), so a transaction that
      // reads and then writes cannot fail half-way on a lock another process took in between.
      this.exec(nested ? 'SAVEPOINT nested' : 'BEGIN IMMEDIATE');
      try {
        const result = fn(...args);
        this.exec(nested ? 'RELEASE nested' : 'COMMIT');
        return result;
      } catch (error) {
        this.exec(nested ? 'ROLLBACK TO nested; RELEASE nested' : 'ROLLBACK');
        throw error;
      }
    };
  }
}

/** Opens a service's database in its data directory, ready for several processes at once. */
export function openDatabase(dataDir: string, file: string, schema: string): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Db(join(dataDir, file));
  // WAL lets readers and one writer work at the same time.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(schema);
  return db;
}
