/**
 * The WebSocket protocol of `/sessions/<id>/ws?user_id=<uuid>`, as JSON text frames.
 *
 * client -> server: `{ "type": "edit", "code_delta": "..." }`
 * server -> client: `joined` (the session, and its edits so far from the store: the newest that fit
 * in 2 MiB, `omitted_edits` older ones left out), `code_updated` (an
 * edit by anyone in the session, the sender included, once it went through RabbitMQ), `error` (a
 * frame that was refused; nothing was published), `session_ended`. Each edit reaches a socket once:
 * in `joined.edits` or as `code_updated` (edit-cursor.ts).
 */
import type { Edit, Session } from './sessions.js';

/** The contract's `CodeUpdated.code_delta` limit, in characters. */
export const MAX_CODE_DELTA = 65_536;

export interface EditFrame {
  type: 'edit';
  code_delta: string;
}

export type ServerFrame =
  | { type: 'joined'; session: Session; edits: Edit[]; omitted_edits: number }
  | ({ type: 'code_updated' } & Edit)
  | { type: 'error'; message: string }
  | { type: 'session_ended'; reason: string };

export type Parsed = { ok: true; frame: EditFrame } | { ok: false; error: string };

export function parseClientFrame(text: string): Parsed {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return { ok: false, error: 'a frame must be JSON, e.g. {"type":"edit","code_delta":"..."}' };
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame))
    return { ok: false, error: 'a frame must be a JSON object' };
  const { type, code_delta: codeDelta, ...rest } = frame as Record<string, unknown>;
  if (type !== 'edit')
    return { ok: false, error: `unknown frame type ${JSON.stringify(type)}: the only type a client sends is "edit"` };
  if (typeof codeDelta !== 'string') return { ok: false, error: 'an edit needs "code_delta", a string' };
  if ([...codeDelta].length > MAX_CODE_DELTA)
    return { ok: false, error: `"code_delta" is longer than ${MAX_CODE_DELTA} characters` };
  const unknown = Object.keys(rest);
  if (unknown.length > 0)
    return { ok: false, error: `unknown field${unknown.length > 1 ? 's' : ''} in an edit: ${unknown.join(', ')}` };
  return { ok: true, frame: { type, code_delta: codeDelta } };
}
