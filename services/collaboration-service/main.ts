/** collaboration-service: sessions from `match.found`, live code edits over WebSockets and RabbitMQ. */
import type { CollaborationServiceBus } from '../../generated/services/collaboration-service.js';
import { createHttpApp } from '../common/http.js';
import { later } from '../common/later.js';
import { runService } from '../common/service.js';
import { openDatabase } from '../common/sqlite.js';
import { SessionLifecycle } from './lifecycle.js';
import { connectCollaborationBus } from './messaging.js';
import { SessionRooms } from './rooms.js';
import { registerSessionRoutes } from './routes.js';
import { SESSIONS_SCHEMA, SessionStore } from './sessions.js';
import { attachSessionSockets } from './websocket.js';

runService('collaboration-service', 3004, async (context) => {
  const db = openDatabase(context.config.dataDir, 'sessions.db', SESSIONS_SCHEMA);
  const sessions = new SessionStore(db);
  const rooms = new SessionRooms();
  const bus = later<CollaborationServiceBus>();
  const lifecycle = new SessionLifecycle(bus.value, sessions, rooms);
  const connected = await connectCollaborationBus(context, lifecycle, rooms);
  bus.set(connected);

  const http = createHttpApp(context, connected);
  registerSessionRoutes(http, sessions, lifecycle);
  attachSessionSockets(http, { sessions, rooms, lifecycle, logger: context.logger });
  return {
    http,
    closers: [
      { name: 'bus', close: () => connected.close() },
      { name: 'database', close: () => void db.close() },
    ],
  };
});
