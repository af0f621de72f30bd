/**
 * WebSocket endpoint `/sessions/<session_id>/ws?user_id=<uuid>` on the service's HTTP server. An
 * upgrade is refused with a plain HTTP status and a JSON message when the target is not a path or
 * the ids are malformed (400), the session is unknown (404) or over (410), or the user is not in it
 * (403), or the user holds `MAX_SOCKETS_PER_PARTICIPANT` sockets to it here already (429); if admitting fails (the store, say), with 500 on that socket alone. Any instance admits
 * any session: it reads the session from the shared store, whichever instance opened it. An
 * admitted socket is served by `participant.ts`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { describeError } from '../../runtime/index.js';
import type { SessionLifecycle } from './lifecycle.js';
import { serveParticipant } from './participant.js';
import type { SessionRooms } from './rooms.js';
import type { SessionFeed } from './session-feed.js';
import type { Session, SessionStore } from './sessions.js';

const PATH = /^\/sessions\/([^/]+)\/ws$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Room for the contract's 65,536-character code_delta in UTF-8, plus the frame around it. */
const MAX_FRAME_BYTES = 300 * 1024;
const USAGE = '/sessions/<session_id>/ws?user_id=<uuid>';
/**
 * Sockets one user may hold open to one session on one instance (a few tabs, a reconnect racing a
 * dying socket). Every edit of the session is written to each of them: without a cap, one user's
 * thousand sockets would make every 64 Ki-character edit a quarter of a gigabyte of writes.
 */
export const MAX_SOCKETS_PER_PARTICIPANT = 8;
/** How long a shutdown waits for participants to answer its close frame before it cuts them off. */
const CLOSE_HANDSHAKE_GRACE_MS = 2_000;

type Admission = { session: Session; userId: string } | { status: number; message: string };

export interface SessionSocketDeps {
  sessions: SessionStore;
  rooms: SessionRooms;
  lifecycle: SessionLifecycle;
  feed: SessionFeed;
  logger: Logger;
}

export function attachSessionSockets(app: FastifyInstance, deps: SessionSocketDeps): void {
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const open = new SocketCounts();
  // Whatever a request holds, nothing may throw out of this listener: it would end the process.
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node hands over an upgraded socket without an error listener: a peer resetting it mid-answer must not crash us.
    socket.on('error', (error) => deps.logger.debug({ err: describeError(error) }, 'an upgrade socket failed'));
    try {
      const admission = admit(request.url ?? '', deps.sessions);
      if ('status' in admission) return refuse(socket, admission.status, admission.message);
      const participant = `${admission.session.session_id} ${admission.userId}`;
      if (open.of(participant) >= MAX_SOCKETS_PER_PARTICIPANT) {
        return refuse(
          socket,
          429,
          `user ${admission.userId} has ${MAX_SOCKETS_PER_PARTICIPANT} sockets open to session ${admission.session.session_id} on this instance already: close one first`,
        );
      }
      server.handleUpgrade(request, socket, head, (client) => {
        open.add(participant, client);
        serveParticipant(client, admission.session, admission.userId, deps);
      });
    } catch (error) {
      deps.logger.error({ err: describeError(error) }, 'an upgrade request failed');
      refuse(socket, 500, 'internal error');
    }
  });
  app.addHook('preClose', async () => {
    // Every socket, also one still waiting for its session's subscription (not in a room yet).
    for (const client of server.clients) client.close(1001, 'server shutting down');
    // ws waits 30 s for a peer's closing handshake; a peer that is gone must not hold up the shutdown that long.
    await closedWithin(server.clients, CLOSE_HANDSHAKE_GRACE_MS);
    if (server.clients.size > 0) {
      deps.logger.warn(
        { sockets: server.clients.size },
        'terminated participant sockets that did not answer the closing handshake',
      );
      for (const client of server.clients) client.terminate();
    }
    server.close();
  });
}

/** Open sockets per key, each counted until it closes. */
class SocketCounts {
  private readonly counts = new Map<string, number>();

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string, socket: WebSocket): void {
    this.counts.set(key, this.of(key) + 1);
    socket.once('close', () => {
      const left = this.of(key) - 1;
      if (left === 0) this.counts.delete(key);
      else this.counts.set(key, left);
    });
  }
}

function closedWithin(clients: ReadonlySet<WebSocket>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = Promise.all([...clients].map((client) => new Promise((resolve) => client.once('close', resolve))));
  const late = new Promise((resolve) => (timer = setTimeout(resolve, ms)));
  return Promise.race([closed, late]).then(() => clearTimeout(timer));
}

function admit(target: string, sessions: SessionStore): Admission {
  const url = parseOriginForm(target);
  if (!url)
    return {
      status: 400,
      message: `the request target must be a path such as ${USAGE}, got ${JSON.stringify(target.slice(0, 200))}`,
    };
  const { pathname, searchParams } = url;
  const sessionId = PATH.exec(pathname)?.[1];
  if (sessionId === undefined) return { status: 404, message: `no WebSocket endpoint at ${pathname}; use ${USAGE}` };
  const userId = searchParams.get('user_id') ?? '';
  if (!UUID.test(sessionId)) return { status: 400, message: `session id must be a uuid, got "${sessionId}"` };
  if (!UUID.test(userId)) return { status: 400, message: 'query parameter user_id must be a uuid' };
  const session = sessions.get(sessionId);
  if (!session) return { status: 404, message: `no session with id ${sessionId}` };
  if (session.ended_at) return { status: 410, message: `session ${sessionId} has ended` };
  if (!session.user_ids.includes(userId))
    return { status: 403, message: `user ${userId} is not in session ${sessionId}` };
  return { session, userId };
}

/**
 * The request target as a URL, if it is a path (origin-form, RFC 9112 3.2.1). `//host:port/...`
 * is refused rather than read as a protocol-relative URL, whose host and port `new URL` would parse
 * (and throw on).
 */
function parseOriginForm(target: string): URL | undefined {
  if (!target.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return undefined;
  }
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
