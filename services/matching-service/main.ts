/** matching-service: matching profiles from user events, match requests over HTTP, `match.found`. */
import { createHttpApp } from '../common/http.js';
import { runService } from '../common/service.js';
import { openDatabase } from '../common/sqlite.js';
import { readMatchTimeoutMs } from './config.js';
import { Matchmaker } from './matchmaker.js';
import { connectMatchingBus } from './messaging.js';
import { PROFILES_SCHEMA, ProfileStore } from './profiles.js';
import { registerMatchingRoutes } from './routes.js';

runService('matching-service', 3003, async (context) => {
  const timeoutMs = readMatchTimeoutMs();
  const db = openDatabase(context.config.dataDir, 'matching.db', PROFILES_SCHEMA);
  const profiles = new ProfileStore(db);
  const bus = await connectMatchingBus(context, profiles);
  const matchmaker = new Matchmaker(bus, profiles, context.logger, timeoutMs);
  const http = createHttpApp(context, bus);
  registerMatchingRoutes(http, profiles, matchmaker);
  return {
    http,
    closers: [
      { name: 'match request timers', close: () => matchmaker.close() },
      { name: 'bus', close: () => bus.close() },
      { name: 'database', close: () => db.close() },
    ],
  };
});
