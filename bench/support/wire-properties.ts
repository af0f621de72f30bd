/**
 * What raw amqplib puts on each message beside the body, for each of its baselines:
 * - `raw` (bare): the least a message needs, content type and delivery mode; an RPC request adds
 *   its reply-to and a counter as correlation id. One properties object serves every event.
 * - `raw-like` (like-for-like): exactly what the generated facade sends (runtime/publisher.ts and
 *   runtime/rpc-client.ts), as an expert would write it for the same guarantees: `mandatory` as the
 *   contract says (the broker returns what no queue takes), a fresh uuid as message and correlation
 *   id, a timestamp and the message type on events; a uuid correlation id, `mandatory` and an
 *   `expiration` equal to the call's timeout on RPC requests (which carry no message id, timestamp
 *   or type from the facade either).
 * Neither sets headers: amqplib encodes an empty header table into every message anyway.
 */
import { randomUUID } from 'node:crypto';
import type { Options } from 'amqplib';
import type { RawBaseline } from '../scenario.js';

/** The properties for the next message; called once per message. */
export type PropertiesFor = () => Options.Publish;

export interface EventKind {
  persistent: boolean;
  /** As the contract says: the broker returns the event if no queue takes it. */
  mandatory: boolean;
  /** The contract's message name: the facade sends it as `type`. */
  message: string;
}

/** Where an event goes and how the contract publishes it. */
export interface Route extends EventKind {
  exchange: string;
  routingKey: string;
}

export function eventProperties(baseline: RawBaseline, event: EventKind): PropertiesFor {
  if (baseline === 'raw') {
    const bare = { contentType: 'application/json', persistent: event.persistent };
    return () => bare;
  }
  return () => ({
    contentType: 'application/json',
    messageId: randomUUID(),
    correlationId: randomUUID(),
    timestamp: Math.floor(Date.now() / 1000),
    persistent: event.persistent,
    mandatory: event.mandatory,
    type: event.message,
  });
}

export interface RequestKind {
  replyTo: string;
  /** The caller's timeout: the facade sets it as the request's `expiration`. */
  timeoutMs: number;
}

/** Properties for RPC requests; each carries a correlation id of its own. */
export function requestProperties(
  baseline: RawBaseline,
  request: RequestKind,
): () => Options.Publish & { correlationId: string } {
  if (baseline === 'raw') {
    let sequence = 0;
    return () => ({ correlationId: String(++sequence), replyTo: request.replyTo, contentType: 'application/json' });
  }
  return () => ({
    correlationId: randomUUID(),
    replyTo: request.replyTo,
    contentType: 'application/json',
    mandatory: true,
    expiration: request.timeoutMs,
  });
}
