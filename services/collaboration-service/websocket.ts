/**
 * WebSocket endpoint `/sessions/<session_id>/ws?user_id=<uuid>` on the service's HTTP server. An
 * upgrade is refused with a plain HTTP status and a JSON message when the ids are malformed (400),
 * the session is unknown (404) or over (410), or the user is not in it (403). Any instance admits
 * any session: it reads the session from the shared store, whichever instance opened it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { describe } from '../../runtime/index.js';
import type { SessionLifecycle } from './lifecycle.js';
import { parseClientFrame, type ServerFrame } from './protocol.js';
import type { SessionRooms } from './rooms.js';
import type { Session, SessionStore } from './sessions.js';

const PATH = /^\/sessions\/([^/]+)\/ws$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Room for the contract's 65,536-character code_delta in UTF-8, plus the frame around it. */
const MAX_FRAME_BYTES = 300 * 1024;

type Admission = { session: Session; userId: string } | { status: number; message: string };

export interface SessionSocketDeps {
  sessions: SessionStore;
  rooms: SessionRooms;
  lifecycle: SessionLifecycle;
  logger: Logger;
}

export function attachSessionSockets(app: FastifyInstance, deps: SessionSocketDeps): void {
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const admission = admit(request.url ?? '/', deps.sessions);
    if ('status' in admission) return refuse(socket, admission.status, admission.message);
    server.handleUpgrade(request, socket, head, (client) => serve(client, admission.session, admission.userId, deps));
  });
  app.addHook('preClose', async () => {
    deps.rooms.closeAll(1001, 'server shutting down');
    server.close();
  });
}

function admit(url: string, sessions: SessionStore): Admission {
  const { pathname, searchParams } = new URL(url, 'http://localhost');
  const sessionId = PATH.exec(pathname)?.[1];
  if (sessionId === undefined) return { status: 404, message: `no WebSocket endpoint at ${pathname}; use /sessions/<session_id>/ws?user_id=<uuid>` };
  const userId = searchParams.get('user_id') ?? '';
  if (!UUID.test(sessionId)) return { status: 400, message: `session id must be a uuid, got "${sessionId}"` };
  if (!UUID.test(userId)) return { status: 400, message: 'query parameter user_id must be a uuid' };
  const session = sessions.get(sessionId);
  if (!session) return { status: 404, message: `no session with id ${sessionId}` };
  if (session.ended_at) return { status: 410, message: `session ${sessionId} has ended` };
  if (!session.user_ids.includes(userId)) return { status: 403, message: `user ${userId} is not in session ${sessionId}` };
  return { session, userId };
}

function refuse(socket: Duplex, status: number, message: string): void {
  const body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status], message });
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

function serve(client: WebSocket, session: Session, userId: string, { rooms, lifecycle, logger }: SessionSocketDeps): void {
  const send = (frame: ServerFrame) => client.send(JSON.stringify(frame));
  rooms.join(session.session_id, client);
  client.on('close', () => rooms.leave(session.session_id, client));
  client.on('message', (data, isBinary) => {
    const parsed = isBinary ? { ok: false as const, error: 'frames must be text (JSON)' } : parseClientFrame(data.toString());
    if (!parsed.ok) return send({ type: 'error', message: parsed.error });
    lifecycle.edit(session.session_id, userId, parsed.frame.code_delta).catch((error: unknown) => {
      logger.warn({ session_id: session.session_id, err: describe(error) }, 'an edit could not be published');
      send({ type: 'error', message: `the edit was not relayed: ${describe(error)}` });
    });
  });
  send({ type: 'joined', session });
}
