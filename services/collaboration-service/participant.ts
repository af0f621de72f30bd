/**
 * One participant's WebSocket, held to what one participant may cost the instance. Everything a
 * participant can send ends at its own socket: a frame the WebSocket protocol forbids closes it
 * with the code `ws` chose (1002 protocol error, 1007 invalid UTF-8, 1009 too big); a frame our
 * protocol refuses is answered with an `error` frame; a flood of edits is slowed down, not
 * buffered (reading pauses while too many of its edits wait for the broker); a participant that
 * stops reading is disconnected (1008) before what it has not read grows without bound.
 */
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import { describeError, PublishTimeoutError } from '../../runtime/index.js';
import { EditCursor } from './edit-cursor.js';
import type { SessionLifecycle } from './lifecycle.js';
import { parseClientFrame, type ServerFrame } from './protocol.js';
import type { LocalClient, SessionRooms } from './rooms.js';
import type { SessionFeed } from './session-feed.js';
import type { Session, SessionStore } from './sessions.js';

/** Edits of one socket that may wait for the broker at once; past this the socket is not read. */
export const MAX_EDITS_IN_FLIGHT = 16;
/** What may wait to be written to one socket: 16 of the largest edits (64 Ki characters of 4 UTF-8 bytes). */
export const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
/** The edits a `joined` frame carries at most: half of what may wait for a socket, so joining never trips that limit. */
export const HISTORY_BYTES = MAX_UNSENT_BYTES / 2;
/** RFC 6455 close codes: the peer broke the server's policy; the server failed. */
const POLICY_VIOLATION = 1008;
const INTERNAL_ERROR = 1011;

export interface ParticipantDeps {
  rooms: SessionRooms;
  lifecycle: SessionLifecycle;
  feed: SessionFeed;
  sessions: SessionStore;
  logger: Logger;
}

export function serveParticipant(
  socket: WebSocket,
  session: Session,
  userId: string,
  { rooms, lifecycle, feed, sessions, logger }: ParticipantDeps,
): void {
  const log = logger.child({ session_id: session.session_id, user_id: userId });
  const client = boundedClient(socket, log);
  let editsInFlight = 0;
  // Nothing is read until this instance receives the session's edits: an edit before that could find no queue to reach.
  socket.pause();
  const hosting = feed.host(session.session_id);

  // ws has already answered the frame with the close code (1002, 1007, 1009); without a listener
  // the `error` event would end the process.
  socket.on('error', (error: Error & { code?: string }) =>
    log.info(
      { err: describeError(error), code: error.code },
      'closed a participant socket: the peer broke the WebSocket protocol',
    ),
  );
  socket.on('close', () => {
    rooms.leave(session.session_id, client);
    hosting.then(
      (release) =>
        release().catch((error: unknown) =>
          log.warn({ err: describeError(error) }, 'could not release the session subscription'),
        ),
      () => undefined,
    );
  });
  const receive = (data: RawData, isBinary: boolean) => {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a Buffer: ws's default binaryType, 'nodebuffer'
    const text = isBinary ? undefined : data.toString();
    const parsed =
      text === undefined ? { ok: false as const, error: 'frames must be text (JSON)' } : parseClientFrame(text);
    if (!parsed.ok) return client.sendFrame({ type: 'error', message: parsed.error });
    if (++editsInFlight === MAX_EDITS_IN_FLIGHT) socket.pause();
    lifecycle
      .edit(session.session_id, userId, parsed.frame.code_delta)
      .catch((error: unknown) => {
        log.warn({ err: describeError(error) }, 'an edit could not be published');
        client.sendFrame({ type: 'error', message: editFailure(error) });
      })
      .finally(() => {
        if (editsInFlight-- === MAX_EDITS_IN_FLIGHT) socket.resume();
      });
  };
  // A throw here would leave the listener and end the process: it ends this socket instead.
  socket.on('message', (data, isBinary) => {
    try {
      receive(data, isBinary);
    } catch (error) {
      log.error({ err: describeError(error) }, 'a frame could not be handled');
      socket.close(INTERNAL_ERROR, 'internal error');
    }
  });
  hosting.then(
    () => {
      // Gone while subscribing (its close handler already released the subscription).
      if (socket.readyState !== socket.OPEN) return;
      // Read again once subscribed: an end announced before that is in the store, one after it arrives here.
      const current = sessions.get(session.session_id) ?? session;
      if (current.ended_at) {
        client.sendFrame({ type: 'session_ended', reason: current.end_reason ?? 'completed' });
        return socket.close(1000, 'session ended');
      }
      const { edits, omitted_edits, through } = sessions.latestEdits(session.session_id, HISTORY_BYTES);
      // What `joined` carries is sent: the broker's copy of any of it is not relayed again.
      rooms.join(session.session_id, client, new EditCursor(through));
      client.sendFrame({ type: 'joined', session: current, edits, omitted_edits });
      socket.resume();
    },
    (error: unknown) => {
      log.error({ err: describeError(error) }, 'could not subscribe to the session');
      socket.close(INTERNAL_ERROR, 'could not subscribe to the session');
    },
  );
}

interface BoundedClient extends LocalClient {
  sendFrame(frame: ServerFrame): void;
}

/** Sends to the socket unless too much is already waiting for the peer to read; then closes it. */
function boundedClient(socket: WebSocket, log: Logger): BoundedClient {
  const send = (text: string) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount + Buffer.byteLength(text) > MAX_UNSENT_BYTES) {
      log.warn({ unsent: socket.bufferedAmount }, 'closed a participant socket: the peer stopped reading');
      return socket.close(POLICY_VIOLATION, 'too much unread: read your frames');
    }
    socket.send(text);
  };
  return {
    send,
    sendFrame: (frame) => send(JSON.stringify(frame)),
    close: (code, reason) => socket.close(code, reason),
  };
}

/** What the editor is told of an edit whose publish failed: whether it is part of the session (do not send it again) or not. */
function editFailure(error: unknown): string {
  if (error instanceof PublishTimeoutError)
    return `the edit is kept, but its relay was not confirmed in time (other participants may get it late; do not send it again): ${describeError(error)}`;
  return `the edit was not relayed: ${describeError(error)}`;
}
