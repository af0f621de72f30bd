/** collaboration-service: sessions from `match.found`, live code edits over WebSockets and RabbitMQ. */
import { createHttpApp } from '../common/http.js';
import { runService } from '../common/service.js';
import { openDatabase } from '../common/sqlite.js';
import { connectCollaborationBus } from './messaging.js';
import { SessionRooms } from './rooms.js';
import { SessionFeed } from './session-feed.js';
import { registerSessionRoutes } from './routes.js';
import { SESSIONS_SCHEMA, SessionStore } from './sessions.js';
import { attachSessionSockets } from './websocket.js';

runService('collaboration-service', 3004, async (context) => {
  const db = openDatabase(context.config.dataDir, 'sessions.db', SESSIONS_SCHEMA);
  const sessions = new SessionStore(db);
  const rooms = new SessionRooms();
  const { bus, lifecycle } = await connectCollaborationBus(context, sessions, rooms);

  const http = createHttpApp(context, bus);
  registerSessionRoutes(http, sessions, lifecycle);
  attachSessionSockets(http, { sessions, rooms, lifecycle, feed: new SessionFeed(bus), logger: context.logger });
  return {
    http,
    closers: [
      { name: 'bus', close: () => bus.close() },
      { name: 'database', close: () => db.close() },
    ],
  };
});
