/** user-service: user accounts over HTTP, their lifecycle events, and the profile RPC. */
import { createHttpApp } from '../common/http.js';
import { runService } from '../common/service.js';
import { openDatabase } from '../common/sqlite.js';
import { Outbox, OUTBOX_SCHEMA } from './outbox.js';
import { OutboxRelay } from './outbox-relay.js';
import { prepareUsersTable, USERS_SCHEMA, UserStore } from './users.js';
import { checkUserEvent, connectUserBus, publishOutboxEntry } from './messaging.js';
import { registerUserRoutes } from './routes.js';

runService('user-service', 3001, async (context) => {
  const db = openDatabase(context.config.dataDir, 'users.db', USERS_SCHEMA + OUTBOX_SCHEMA);
  prepareUsersTable(db);
  const outbox = new Outbox(db, checkUserEvent);
  const users = new UserStore(db, outbox);
  const bus = await connectUserBus(context, users);
  const relay = new OutboxRelay(outbox, publishOutboxEntry(bus), context.logger);
  relay.kick(); // what an earlier run left unpublished

  const http = createHttpApp(context, bus);
  registerUserRoutes(http, users, () => relay.kick());
  return {
    http,
    closers: [
      { name: 'outbox relay', close: () => relay.stop() },
      { name: 'bus', close: () => bus.close() },
      { name: 'database', close: () => db.close() },
    ],
  };
});
