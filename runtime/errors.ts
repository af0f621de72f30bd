/**
 * Every error the runtime raises on purpose. Each carries a stable `code` so callers can branch
 * without `instanceof` across package copies, and a message that names what failed.
 */
import type { SchemaViolation } from './definition.js';

export class MessagingError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The options or the URL cannot be used. */
export class ConfigError extends MessagingError {
  constructor(message: string) {
    super('config', message);
  }
}

/** The first connection did not succeed within `connectTimeoutMs`. */
export class ConnectTimeoutError extends MessagingError {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    cause: unknown,
  ) {
    super('connect_timeout', `could not connect to ${url} within ${timeoutMs} ms: ${describeError(cause)}`, { cause });
  }
}

/** The TLS handshake failed: the broker's certificate did not verify, or the broker refused ours. Not retried. */
export class TlsVerificationError extends MessagingError {
  constructor(
    readonly url: string,
    readonly reason: string,
    cause: unknown,
  ) {
    super(
      'tls_verification',
      `TLS connection to ${url} failed: ${reason}. Check RABBITMQ_CA_FILE (the CA that signed the broker's certificate), the host name in the URL, and the client certificate`,
      { cause },
    );
  }
}

/** The broker refused the user name or password (ACCESS_REFUSED). Final: not retried. */
export class CredentialsRefusedError extends MessagingError {
  /** `user` is undefined when the URL names none (amqplib then logs in as RabbitMQ's default account). */
  constructor(
    readonly url: string,
    readonly user: string | undefined,
  ) {
    super(
      'credentials_refused',
      `RabbitMQ at ${url} refused the login of ${user === undefined ? 'the default user (the URL names none)' : `user "${user}"`}: wrong user name or password. Hint: check the credentials in RABBITMQ_URL (special characters in the password percent-encoded); RabbitMQ's default account may log in from localhost only`,
    );
  }
}

/** The broker refused to open the vhost: it does not exist, or the user has no permissions on it. Final: not retried. */
export class VhostRefusedError extends MessagingError {
  constructor(
    readonly url: string,
    readonly user: string | undefined,
    readonly vhost: string,
  ) {
    super(
      'vhost_refused',
      `RabbitMQ at ${url} refused to open vhost "${vhost}" for ${user === undefined ? 'the default user' : `user "${user}"`}: the vhost does not exist or the user has no permissions on it. Hint: create it and grant the user access (npm run broker:provision -- --vhost ${vhost}), or fix the vhost in RABBITMQ_URL (its path; %2F for "/")`,
    );
  }
}

/** An exchange this service only binds to does not exist, and its user may not declare it (only publishers may). */
export class MissingExchangeError extends MessagingError {
  constructor(readonly exchange: string) {
    super(
      'missing_exchange',
      `exchange "${exchange}" does not exist and this user may not declare it: start a service that publishes to it, or provision the topology (npm run broker:provision)`,
    );
  }
}

/** The broker stayed unreachable for longer than an operation was willing to wait. */
export class ConnectionUnavailableError extends MessagingError {
  constructor(
    readonly operation: string,
    readonly waitedMs: number,
  ) {
    super('connection_unavailable', `${operation}: no broker connection after waiting ${waitedMs} ms`);
  }
}

/** Too many operations already wait for the connection to come back. */
export class OutageBufferFullError extends MessagingError {
  constructor(
    readonly operation: string,
    readonly limit: number,
  ) {
    super('outage_buffer_full', `${operation}: ${limit} operations already wait for the broker connection`);
  }
}

/** The connection was closed by `close()`. */
export class ConnectionClosedError extends MessagingError {
  constructor(readonly operation: string) {
    super('closed', `${operation}: the connection is closed`);
  }
}

/** The channel an operation depended on died before it completed (e.g. an RPC awaiting its reply). */
export class ConnectionLostError extends MessagingError {
  constructor(readonly operation: string) {
    super('connection_lost', `${operation}: the broker connection was lost before it completed`);
  }
}

/** A payload does not match its schema. Nothing was sent. */
export class ValidationError extends MessagingError {
  constructor(
    readonly messageName: string,
    readonly violations: SchemaViolation[],
  ) {
    super('validation', `${messageName} is invalid: ${formatViolations(violations)}`);
  }
}

/** The operation name is not in the service definition. */
export class UnknownOperationError extends MessagingError {
  constructor(
    readonly kind: 'publisher' | 'rpc',
    readonly operation: string,
  ) {
    super('unknown_operation', `no ${kind} named "${operation}" in this service's definition`);
  }
}

/** A routing-key parameter is missing, empty or would change the key's shape. */
export class RoutingKeyError extends MessagingError {
  constructor(
    readonly template: string,
    readonly parameter: string,
    reason: string,
  ) {
    super('routing_key', `routing key ${template}: parameter "${parameter}" ${reason}`);
  }
}

/** A mandatory message matched no queue; the broker returned it. */
export class UnroutableError extends MessagingError {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
  ) {
    super('unroutable', `message to exchange "${exchange}" with routing key "${routingKey}" matched no queue`);
  }
}

/** The broker did not confirm a publish in time. The message may or may not have been delivered. */
export class PublishTimeoutError extends MessagingError {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
    readonly timeoutMs: number,
  ) {
    super('publish_timeout', `no confirm for publish to "${exchange}" / "${routingKey}" within ${timeoutMs} ms`);
  }
}

/** The broker refused a publish (nack) or the channel died before confirming it. */
export class PublishFailedError extends MessagingError {
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
    reason: string,
  ) {
    super('publish_failed', `publish to "${exchange}" / "${routingKey}" failed: ${reason}`);
  }
}

/**
 * A message is larger than can be sent: its header table over amqplib's encoding limit, or its body
 * over `maxMessageBytes`. Nothing was sent; other sends are not affected.
 */
export class MessageTooLargeError extends MessagingError {
  constructor(
    readonly destination: string,
    readonly part: 'headers' | 'body',
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(
      'message_too_large',
      `${destination}: the message's ${part} ${part === 'headers' ? 'encode to' : 'is'} ${bytes} bytes, ${bytes - limitBytes} over the limit of ${limitBytes}`,
    );
  }
}

/** amqplib cannot encode a message (a property too long, a header value AMQP has no type for). Nothing was sent. */
export class MessageEncodeError extends MessagingError {
  constructor(
    readonly destination: string,
    reason: string,
  ) {
    super('message_encode', `${destination}: the message cannot be encoded: ${reason}`);
  }
}

/** A declaration conflicts with what already exists on the broker (AMQP 406). */
export class TopologyConflictError extends MessagingError {
  constructor(
    readonly objectKind: 'exchange' | 'queue',
    readonly objectName: string,
    /** Each differing setting: what we asked for and what the broker has. */
    readonly differences: string[],
    brokerMessage: string,
  ) {
    super(
      'topology_conflict',
      `${objectKind} "${objectName}" already exists with other settings: ${differences.join('; ')} (broker: ${brokerMessage})`,
    );
  }
}

export class RpcTimeoutError extends MessagingError {
  constructor(
    readonly rpc: string,
    readonly timeoutMs: number,
  ) {
    super('rpc_timeout', `RPC ${rpc}: no reply within ${timeoutMs} ms`);
  }
}

/** Nobody consumes the RPC's request queue, so no reply could ever come. */
export class NoRpcServerError extends MessagingError {
  constructor(
    readonly rpc: string,
    readonly queue: string,
  ) {
    super('rpc_no_server', `RPC ${rpc}: no server consumes queue "${queue}"`);
  }
}

/** The RPC server answered with an error. */
export class RpcRemoteError extends MessagingError {
  constructor(
    readonly rpc: string,
    readonly remoteCode: string,
    readonly remoteMessage: string,
  ) {
    super('rpc_remote', `RPC ${rpc} failed on the server (${remoteCode}): ${remoteMessage}`);
  }
}

export function formatViolations(violations: SchemaViolation[]): string {
  return violations.map((v) => `${v.instancePath || '/'} ${v.message ?? v.keyword}`).join('; ');
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
