import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MessageTooLargeError, ValidationError } from '../../../runtime/index.js';
import { Db } from '../../../services/common/sqlite.js';
import { OUTBOX_SCHEMA, Outbox, type OutboxEntry } from '../../../services/user-service/outbox.js';
import { OutboxRelay } from '../../../services/user-service/outbox-relay.js';

function outboxWith(usernames: string[]): { outbox: Outbox; db: Db } {
  const db = new Db(':memory:');
  db.exec(OUTBOX_SCHEMA);
  const outbox = new Outbox(db, () => undefined);
  for (const username of usernames) outbox.append('userCreated', { username });
  return { outbox, db };
}

async function drained(relay: OutboxRelay, outbox: Outbox): Promise<void> {
  relay.kick();
  while (outbox.size > 0) await new Promise((resolve) => setImmediate(resolve));
  await relay.stop();
}

describe('OutboxRelay', () => {
  it('publishes every entry in order and removes each once published', async () => {
    const { outbox } = outboxWith(['ada', 'grace', 'alan']);
    const published: unknown[] = [];
    const relay = new OutboxRelay(
      outbox,
      async (entry: OutboxEntry) => void published.push(entry.payload),
      pino({ level: 'silent' }),
    );
    await drained(relay, outbox);
    expect(published).toEqual([{ username: 'ada' }, { username: 'grace' }, { username: 'alan' }]);
  });

  it('sets aside an entry the contract refuses, with the reason, and publishes the ones behind it', async () => {
    const { outbox, db } = outboxWith(['ada', 'x', 'alan']);
    const published: unknown[] = [];
    const publish = async (entry: OutboxEntry) => {
      if ((entry.payload as { username: string }).username === 'x') {
        throw new ValidationError('UserCreated', [
          {
            instancePath: '/username',
            schemaPath: '#/properties/username/minLength',
            keyword: 'minLength',
            message: 'must NOT have fewer than 3 characters',
            params: {},
          },
        ]);
      }
      published.push(entry.payload);
    };
    const relay = new OutboxRelay(outbox, publish, pino({ level: 'silent' }));
    await drained(relay, outbox);
    expect(published).toEqual([{ username: 'ada' }, { username: 'alan' }]);
    const rejected = db.prepare('SELECT event, payload, reason FROM outbox_rejected').all();
    expect(rejected).toEqual([
      {
        event: 'userCreated',
        payload: '{"username":"x"}',
        reason: 'UserCreated is invalid: /username must NOT have fewer than 3 characters',
      },
    ]);
  });

  it('sets aside an entry too large to send, and publishes the ones behind it', async () => {
    const { outbox, db } = outboxWith(['ada', 'huge', 'alan']);
    const published: unknown[] = [];
    const publish = async (entry: OutboxEntry) => {
      if ((entry.payload as { username: string }).username === 'huge')
        throw new MessageTooLargeError('publish to "user.events" / "user.created"', 'headers', 70_000, 65_536);
      published.push(entry.payload);
    };
    const relay = new OutboxRelay(outbox, publish, pino({ level: 'silent' }));
    await drained(relay, outbox);
    expect(published).toEqual([{ username: 'ada' }, { username: 'alan' }]);
    expect(db.prepare('SELECT reason FROM outbox_rejected').all()).toEqual([
      {
        reason:
          'publish to "user.events" / "user.created": the message\'s headers encode to 70000 bytes, 4464 over the limit of 65536',
      },
    ]);
  });
});
