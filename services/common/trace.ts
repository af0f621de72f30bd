/**
 * One structured `trace` log line for every message a service sends or receives: which exchange,
 * routing key and queue, and the message id that links a publish to its deliveries. The demo reads
 * these lines from the services' stdout to show each message as it flows.
 *
 * The lines come from the runtime's observer hook, in the contract's names, so a trace line can
 * never name a route the contract does not have.
 */
import type { Logger } from 'pino';
import type { MessagingEvent, MessagingObserver } from '../../runtime/index.js';

export type TraceKind = Exclude<MessagingEvent['kind'], 'settle'>;

export interface TraceRecord {
  kind: TraceKind;
  /** '' is the default exchange, through which RPC requests go. */
  exchange: string;
  routingKey: string;
  queue?: string;
  messageId?: string;
  /** For `reply`: `ok` or the error code the call failed with. */
  outcome?: string;
}

/** Logs a trace line for each message sent or handed to a handler, and each RPC reply; what became of a delivery (`settle`) is not traced. */
export function traceObserver(logger: Logger): MessagingObserver {
  return ({ kind, exchange, routingKey, queue, messageId, outcome }) => {
    if (kind === 'settle') return;
    const record: TraceRecord = {
      kind,
      exchange,
      routingKey,
      ...(kind !== 'publish' && { queue }),
      ...(messageId && { messageId }),
      ...(kind === 'reply' && { outcome }),
    };
    logger.info({ trace: record }, `${kind} ${routingKey}`);
  };
}
