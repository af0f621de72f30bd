/**
 * Serving RPCs: one `InboundQueue` per RPC queue. Every request gets exactly one reply, sent through
 * the default exchange to its `reply_to` (direct reply-to or a per-call queue, as Python callers
 * use) with its correlation id; the request is acked after the reply went out. Failures become
 * error replies `{ error, error_code }` marked with the `x-rpc-error` header; a caller the contract
 * does not allow (origin.ts) gets the error `unauthorized_origin` and is not served.
 *
 * Replies are publishes, so they go out on the publish connection (the `rpc-reply` channel), never on
 * the consume connection the requests come in on: a reply during a resource alarm would block that
 * connection and stop every consumer on it. RabbitMQ routes a direct reply-to reply from any channel.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { MessageOrigin, RpcContext, RpcHandler } from './api.js';
import type { RpcSpec } from './definition.js';
import type { Delivery, InboundQueue } from './inbound.js';
import type { Metrics } from './metrics.js';
import type { ConnectionManager } from './connection.js';
import { ManagedChannel } from './managed-channel.js';
import { runInScope, scopeOf } from './message-scope.js';
import { settle } from './thenable.js';
import { Header } from './headers.js';
import { undecodableHeaders } from './header-frame-guard.js';
import { describeUser, type OriginJudge } from './origin.js';
import { ConfigError, MessageTooLargeError, MessagingError, describeError, formatViolations } from './errors.js';
import type { Observers, OperationObserver, Route } from './observer.js';

export interface RpcServerDeps {
  service: string;
  origins: OriginJudge;
  prefetchOverride: number | undefined;
  /** For judged origins; the per-message metrics are among the observers. */
  metrics: Metrics;
  logger: Logger;
  maxMessageBytes: number;
  replies: RpcReplyChannel;
  /** How long a reply may wait for the publish connection before its request is handed back to the broker. */
  replyTimeoutMs: number;
  observers: Observers;
}

/** The channel RPC replies are sent on, on the publish connection. */
export class RpcReplyChannel {
  readonly slot: ManagedChannel<Channel>;

  constructor(connection: ConnectionManager, logger: Logger, waiterLimit: number) {
    this.slot = new ManagedChannel(
      { name: 'rpc-reply', open: (model: ChannelModel) => model.createChannel(), setup: async () => undefined },
      connection,
      logger,
      waiterLimit,
    );
  }
}

const DEFAULT_RPC_PREFETCH = 10;

class RequestFailure extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function rpcServerQueues(
  specs: RpcSpec[],
  handlers: Record<string, RpcHandler>,
  deps: RpcServerDeps,
): InboundQueue[] {
  return specs.map((spec) => {
    const handler = handlers[spec.name];
    if (!handler) throw new ConfigError(`no handler for RPC server "${spec.name}"`);
    return new RpcQueue(spec, handler, deps);
  });
}

class RpcQueue implements InboundQueue {
  readonly queue: string;
  readonly prefetch: number;
  private readonly observer: OperationObserver;
  /** Requests come through the default exchange, routed by the queue's name. */
  private readonly route: Route;

  constructor(
    private readonly spec: RpcSpec,
    private readonly handler: RpcHandler,
    private readonly deps: RpcServerDeps,
  ) {
    this.queue = spec.queue;
    this.prefetch = deps.prefetchOverride ?? DEFAULT_RPC_PREFETCH;
    this.route = { exchange: '', routingKey: spec.queue };
    this.observer = deps.observers({
      service: deps.service,
      operation: spec.name,
      message: spec.requestMessage,
      queue: spec.queue,
      role: 'rpc-server',
    });
  }

  /** Synchronous when the handler is: a handler that returns its reply (no promise) is answered without a promise chain. */
  handle(message: ConsumeMessage, delivery: Delivery): Promise<void> | undefined {
    const startedAt = performance.now();
    return settle(
      () => {
        const { request, context } = this.requestOf(message);
        this.observer.serve(message.properties);
        return runInScope(scopeOf(context.correlationId, context.headers), () => this.handler(request, context));
      },
      (reply) => this.answered(message, delivery, startedAt, reply),
      (error) => this.failed(message, delivery, startedAt, error),
    );
  }

  /** The validated request and its context; throws a `RequestFailure` for a request no handler should see. */
  private requestOf(message: ConsumeMessage): { request: unknown; context: RpcContext } {
    const origin = this.originOf(message);
    const headersDropped = undecodableHeaders(message.properties);
    if (headersDropped) throw new RequestFailure('invalid_request', headersDropped);
    const { maxMessageBytes } = this.deps;
    if (message.content.length > maxMessageBytes) {
      throw new RequestFailure(
        'message_too_large',
        new MessageTooLargeError(`RPC ${this.spec.name} request`, 'body', message.content.length, maxMessageBytes)
          .message,
      );
    }
    let request: unknown;
    try {
      request = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      throw new RequestFailure('invalid_request', `the request is not JSON: ${describeError(error)}`);
    }
    const { validateRequest } = this.spec;
    if (!validateRequest(request)) {
      const violations = [...(validateRequest.errors ?? [])];
      throw new RequestFailure(
        'invalid_request',
        `${this.spec.requestMessage} is invalid: ${formatViolations(violations)}`,
        violations,
      );
    }
    const headers: Record<string, unknown> = message.properties.headers ?? {};
    return {
      request,
      context: {
        correlationId: message.properties.correlationId,
        messageId: message.properties.messageId,
        headers,
        origin,
      },
    };
  }

  /** The caller, judged against the contract's callers of this RPC; throws `unauthorized_origin` for a caller it does not allow. */
  private originOf(message: ConsumeMessage): MessageOrigin {
    const userId = typeof message.properties.userId === 'string' ? message.properties.userId : undefined;
    const verdict = this.deps.origins.judge(userId, this.spec.callers, this.spec.unverifiedOrigin);
    if (verdict.refused) {
      const reason = `the ${this.spec.name} request ${verdict.reason}`;
      this.deps.metrics.unauthorizedOrigin.labels(this.deps.service, this.spec.name).inc();
      this.deps.logger.warn(
        { rpc: this.spec.name, userId, correlationId: message.properties.correlationId },
        `refused an RPC request: ${reason}`,
      );
      throw new RequestFailure('unauthorized_origin', reason);
    }
    if (verdict.flagged) {
      this.deps.metrics.unverifiedOrigin.labels(this.deps.service, this.spec.name).inc();
      this.deps.logger.warn(
        { rpc: this.spec.name, userId, correlationId: message.properties.correlationId },
        `serving an RPC request of unverified origin (${describeUser(userId)})`,
      );
    }
    return verdict.origin;
  }

  private answered(
    message: ConsumeMessage,
    delivery: Delivery,
    startedAt: number,
    reply: unknown,
  ): Promise<void> | undefined {
    const { validateReply } = this.spec;
    let valid: boolean;
    try {
      valid = validateReply(reply);
    } catch (error) {
      // Reading the reply threw (a getter, say): the caller gets that as the handler's error.
      return this.failed(message, delivery, startedAt, error);
    }
    if (!valid) {
      const violations = [...(validateReply.errors ?? [])];
      this.deps.logger.error({ rpc: this.spec.name, violations }, 'RPC handler returned an invalid reply');
      return this.failed(
        message,
        delivery,
        startedAt,
        new RequestFailure(
          'invalid_reply',
          `the server produced an invalid ${this.spec.replyMessage}: ${formatViolations(violations)}`,
        ),
      );
    }
    return this.respond(message, delivery, startedAt, reply, 'ok');
  }

  private failed(
    message: ConsumeMessage,
    delivery: Delivery,
    startedAt: number,
    error: unknown,
  ): Promise<void> | undefined {
    const body = this.errorBody(error);
    return this.respond(message, delivery, startedAt, body, body.error_code);
  }

  /**
   * Sends the one reply a request gets, then acks the request. Without a reply channel (the publish
   * connection is down) the reply waits for one, bounded; a request that cannot be answered is handed
   * back to the broker, to be answered once it can.
   */
  private respond(
    message: ConsumeMessage,
    delivery: Delivery,
    startedAt: number,
    body: unknown,
    outcome: string,
  ): Promise<void> | undefined {
    this.observer.settle(this.route, message.properties, outcome, performance.now() - startedAt);
    const failed = outcome !== 'ok';
    const { replyTo, correlationId } = message.properties;
    if (typeof replyTo !== 'string' || replyTo === '') {
      this.deps.logger.warn({ rpc: this.spec.name, correlationId }, 'RPC request without reply_to: nobody to answer');
      delivery.ack();
      return undefined;
    }
    const { slot } = this.deps.replies;
    const channel = slot.channel;
    if (channel && this.reply(channel, replyTo, correlationId, body, failed)) {
      delivery.ack();
      return undefined;
    }
    return slot.acquire(`reply to RPC ${this.spec.name}`, this.deps.replyTimeoutMs).then(
      (ready) => {
        if (this.reply(ready, replyTo, correlationId, body, failed)) delivery.ack();
        else delivery.nack(true);
      },
      (error: unknown) => {
        this.deps.logger.warn(
          { rpc: this.spec.name, correlationId, err: describeError(error) },
          'could not send RPC reply; handing the request back to the broker',
        );
        delivery.nack(true);
      },
    );
  }

  private errorBody(error: unknown): { error: string; error_code: string; violations?: unknown } {
    if (error instanceof RequestFailure) {
      return {
        error: error.message,
        error_code: error.errorCode,
        ...(error.details !== undefined && { violations: error.details }),
      };
    }
    this.deps.logger.warn({ rpc: this.spec.name, err: describeError(error) }, 'RPC handler failed');
    return { error: describeError(error), error_code: handlerErrorCode(error) };
  }

  /** False if the reply channel turned out to be dead (amqplib has not told the slot yet). */
  private reply(channel: Channel, replyTo: string, correlationId: unknown, body: unknown, failed: boolean): boolean {
    let content = Buffer.from(JSON.stringify(body));
    let isError = failed;
    if (content.length > this.deps.maxMessageBytes) {
      // Sent, the broker could refuse it and close the reply channel, with the replies on their way on it.
      const tooLarge = new MessageTooLargeError(
        `RPC ${this.spec.name} reply`,
        'body',
        content.length,
        this.deps.maxMessageBytes,
      );
      this.deps.logger.error(
        { rpc: this.spec.name, err: tooLarge.message },
        'RPC reply too large: answering with an error',
      );
      content = Buffer.from(JSON.stringify({ error: tooLarge.message, error_code: tooLarge.code }));
      isError = true;
    }
    try {
      channel.sendToQueue(replyTo, content, {
        correlationId: typeof correlationId === 'string' ? correlationId : undefined,
        contentType: 'application/json',
        userId: this.deps.origins.identity.user,
        ...(isError && { headers: { [Header.rpcError]: true } }),
      });
      return true;
    } catch (error) {
      this.deps.logger.warn({ rpc: this.spec.name, err: describeError(error) }, 'could not send RPC reply');
      return false;
    }
  }
}

/** A handler may throw an error with a string `code` to choose the code its caller sees. */
function handlerErrorCode(error: unknown): string {
  if (error instanceof MessagingError) return error.code;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'handler_error';
}
