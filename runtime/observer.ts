/** The observer hook (`ConnectOptions.observer`), made safe to call from the message paths. */
import type { Logger } from 'pino';
import type { MessagingEvent, MessagingObserver } from './api.js';
import { MessagingError, RpcRemoteError, describeError } from './errors.js';

/** Undefined without an observer, so that the hot paths skip building events nobody reads. */
export type Observe = ((event: MessagingEvent) => void) | undefined;

/** The observer, its throws logged (once per kind of event) instead of breaking a publish or a delivery. */
export function guardedObserver(observer: MessagingObserver | undefined, logger: Logger): Observe {
  if (!observer) return undefined;
  const warned = new Set<string>();
  return (event) => {
    try {
      observer(event);
    } catch (error) {
      if (warned.has(event.kind)) return;
      warned.add(event.kind);
      logger.warn(
        { kind: event.kind, err: describeError(error) },
        'the messaging observer threw; its further throws on this kind of event are not logged',
      );
    }
  };
}

/** The outcome of a failed call for an observer: the error's code, the server's for a remote error. */
export function outcomeOf(error: unknown): string {
  if (error instanceof RpcRemoteError) return error.remoteCode;
  return error instanceof MessagingError ? error.code : 'error';
}
