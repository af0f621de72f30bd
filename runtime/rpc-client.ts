/**
 * Calling RPCs: requests go to the RPC queue through the default exchange, replies come back over
 * direct reply-to (`amq.rabbitmq.reply-to`, consumed without acks on the same channel), matched by
 * correlation id. A missing queue is caught by `mandatory` (the broker returns the request). A queue
 * nobody consumes is caught by a consumer-count probe that runs beside the call, not before it,
 * and is skipped while a server was seen in the last second. A call has one deadline, counted from
 * the call, however long it waited for a channel; requests carry the time left as `expiration` so
 * that a server starting later does not work on calls nobody waits for.
 *
 * The channel is in confirm mode so that a request the broker refuses is not lost in silence. On a
 * cluster, a channel whose first request reached a quorum queue while its leader was being elected
 * (a caller reconnected after a node loss) has every later request to that queue refused until the
 * lost node returns, while a new channel works at once (see confirm-publisher.ts). A nacked request
 * never reached the queue, so it is sent again on a fresh channel within its call's deadline; the
 * refused channel is replaced at once, and the calls awaiting replies on it end with
 * `ConnectionLostError`, as when any channel is lost.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage, Message } from 'amqplib';
import type { Logger } from 'pino';
import type { CallOptions } from './api.js';
import type { RpcSpec } from './definition.js';
import type { ConnectionManager } from './connection.js';
import { ManagedChannel } from './managed-channel.js';
import { Deadlines, Expiring } from './deadlines.js';
import { currentScope } from './message-scope.js';
import { Header } from './headers.js';
import { encodeFailure } from './wire-limits.js';
import { undecodableHeaders } from './header-frame-guard.js';
import {
  ConnectionLostError,
  MessageTooLargeError,
  NoRpcServerError,
  RpcRemoteError,
  RpcTimeoutError,
  UnknownOperationError,
  ValidationError,
  describeError,
} from './errors.js';
import { assertValid } from './validation.js';
import type { Observers, OperationObserver } from './observer.js';

const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';
/** amqplib's error for a publish the broker nacked (others, such as 'channel closed', mean the channel is gone). */
const NACKED = 'message nacked';
/** How long a seen server counts as present before the next call probes again. */
const SERVER_SEEN_TTL_MS = 1_000;

class PendingCall extends Expiring {
  constructor(
    readonly correlationId: string,
    readonly spec: RpcSpec,
    /** The call's whole timeout, for its error; the deadline may be sooner after a wait for a channel. */
    readonly timeoutMs: number,
    remainingMs: number,
    readonly resolve: (reply: unknown) => void,
    readonly reject: (error: Error) => void,
  ) {
    super(performance.now() + remainingMs);
  }
}

export class RpcClient {
  readonly slot: ManagedChannel<ConfirmChannel>;
  private readonly specs: Map<string, RpcSpec>;
  private readonly observers: Map<string, OperationObserver>;
  private readonly pending = new Map<string, PendingCall>();
  private readonly deadlines = new Deadlines<PendingCall>((call) => {
    this.pending.delete(call.correlationId);
    this.serverSeenAt.delete(call.spec.queue);
    call.reject(new RpcTimeoutError(call.spec.name, call.timeoutMs));
  });
  private readonly serverSeenAt = new Map<string, number>();
  private readonly probes = new Map<string, Promise<number | undefined>>();
  /**
   * Probing a missing queue closes the channel (404), so probes get a channel of their own, on the
   * RPC channel's connection: opened when first needed, forgotten when it closes or fails to open.
   */
  private probeChannel: Promise<Channel> | undefined;

  constructor(
    service: string,
    specs: RpcSpec[],
    connection: ConnectionManager,
    private readonly logger: Logger,
    private readonly defaultTimeoutMs: number,
    waiterLimit: number,
    private readonly maxMessageBytes: number,
    /** This process's broker user, stamped as `user_id` on every request so servers can tell the caller. */
    private readonly userId: string | undefined,
    observers: Observers,
  ) {
    this.specs = new Map(specs.map((spec) => [spec.name, spec]));
    this.observers = new Map(
      specs.map((spec) => [
        spec.name,
        observers({
          service,
          operation: spec.name,
          message: spec.requestMessage,
          queue: spec.queue,
          role: 'rpc-client',
        }),
      ]),
    );
    this.slot = new ManagedChannel(
      {
        name: 'rpc-client',
        open: (model: ChannelModel) => model.createConfirmChannel(),
        setup: async (channel) => {
          channel.on('return', (message: Message) => this.onReturn(message));
          await channel.consume(DIRECT_REPLY_TO, (message) => this.onReply(message), { noAck: true });
        },
        onLost: () => this.rejectAll((spec) => new ConnectionLostError(`RPC ${spec.name}`)),
      },
      connection,
      logger,
      waiterLimit,
    );
  }

  call(name: string, request: unknown, options: CallOptions = {}): Promise<unknown> {
    const spec = this.specs.get(name);
    if (!spec) return Promise.reject(new UnknownOperationError('rpc', name));
    try {
      assertValid(spec.validateRequest, spec.requestMessage, request);
    } catch (error) {
      return Promise.reject(error);
    }
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const startedAt = performance.now();
    const observer = this.observers.get(name) as OperationObserver;
    observer.call();
    const channel = this.slot.channel;
    const reply = channel
      ? this.send(channel, spec, request, options, timeoutMs, startedAt, timeoutMs)
      : this.sendOnNextChannel(spec, request, options, timeoutMs, startedAt);
    return reply.then(
      (body) => {
        observer.reply(performance.now() - startedAt);
        return body;
      },
      (error: unknown) => {
        observer.reply(performance.now() - startedAt, error);
        throw error;
      },
    );
  }

  async close(): Promise<void> {
    this.rejectAll((spec) => new ConnectionLostError(`RPC ${spec.name}`));
    const probeChannel = this.probeChannel;
    this.probeChannel = undefined;
    await Promise.all([this.slot.close(), probeChannel?.then((channel) => channel.close()).catch(() => undefined)]);
  }

  /** Sends once there is a channel (other than `replacing`); the time spent waiting counts against the call's timeout. */
  private sendOnNextChannel(
    spec: RpcSpec,
    request: unknown,
    options: CallOptions,
    timeoutMs: number,
    startedAt: number,
    replacing?: ConfirmChannel,
  ): Promise<unknown> {
    const remainingMs = () => Math.floor(timeoutMs - (performance.now() - startedAt));
    return this.slot.acquire(`RPC ${spec.name}`, Math.max(0, remainingMs()), replacing).then((channel) => {
      const left = remainingMs();
      if (left <= 0) return Promise.reject(new RpcTimeoutError(spec.name, timeoutMs));
      return this.send(channel, spec, request, options, timeoutMs, startedAt, left);
    });
  }

  private send(
    channel: ConfirmChannel,
    spec: RpcSpec,
    request: unknown,
    options: CallOptions,
    timeoutMs: number,
    startedAt: number,
    remainingMs: number,
  ): Promise<unknown> {
    const content = Buffer.from(JSON.stringify(request));
    if (content.length > this.maxMessageBytes) {
      return Promise.reject(new MessageTooLargeError(`RPC ${spec.name}`, 'body', content.length, this.maxMessageBytes));
    }
    const correlationId = randomUUID();
    const reply = new Promise<unknown>((resolve, reject) => {
      const call = new PendingCall(correlationId, spec, timeoutMs, remainingMs, resolve, reject);
      this.pending.set(correlationId, call);
      this.deadlines.track(call);
    });
    const scope = currentScope();
    const headers = scope || options.headers ? { ...scope?.traceHeaders, ...options.headers } : undefined;
    try {
      channel.sendToQueue(
        spec.queue,
        content,
        {
          correlationId,
          replyTo: DIRECT_REPLY_TO,
          contentType: 'application/json',
          userId: this.userId,
          mandatory: true,
          expiration: remainingMs,
          ...(headers && { headers }),
        },
        (error: Error | null) => {
          if (error?.message === NACKED)
            this.onRefused(channel, correlationId, () =>
              this.sendOnNextChannel(spec, request, options, timeoutMs, startedAt, channel),
            );
        },
      );
    } catch (error) {
      this.settle(correlationId);
      // A request amqplib cannot encode fails alone; a throw for any other reason means the channel died.
      return Promise.reject(
        encodeFailure(`RPC ${spec.name}`, headers, error) ?? new ConnectionLostError(`RPC ${spec.name}`),
      );
    }
    this.ensureServer(spec, correlationId);
    return reply;
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const call = this.settle(message.properties.correlationId);
    if (!call) return; // late reply to a call that timed out
    this.serverSeenAt.set(call.spec.queue, Date.now());
    if (message.content.length > this.maxMessageBytes) {
      call.reject(
        new MessageTooLargeError(`RPC ${call.spec.name} reply`, 'body', message.content.length, this.maxMessageBytes),
      );
      return;
    }
    try {
      call.resolve(decodeReply(call.spec, message));
    } catch (error) {
      call.reject(error as Error);
    }
  }

  /** The broker nacked a request: it never reached the queue, so the call sends it again on a fresh channel, and the refused channel is replaced. */
  private onRefused(channel: ConfirmChannel, correlationId: string, sendAgain: () => Promise<unknown>): void {
    const call = this.settle(correlationId);
    if (!call) return; // timed out already
    this.slot.renew(channel, `the broker refused an RPC ${call.spec.name} request (nack)`);
    call.resolve(sendAgain());
  }

  private onReturn(message: Message): void {
    const call = this.settle(message.properties.correlationId);
    call?.reject(new NoRpcServerError(call.spec.name, call.spec.queue));
  }

  private ensureServer(spec: RpcSpec, correlationId: string): void {
    const seenAt = this.serverSeenAt.get(spec.queue);
    if (seenAt !== undefined && Date.now() - seenAt < SERVER_SEEN_TTL_MS) return;
    void this.consumerCount(spec.queue).then((count) => {
      if (count === undefined) return; // the queue is missing: the returned request reports it
      if (count > 0) {
        this.serverSeenAt.set(spec.queue, Date.now());
        return;
      }
      this.settle(correlationId)?.reject(new NoRpcServerError(spec.name, spec.queue));
    });
  }

  /** Consumers of `queue`, or undefined if it cannot be checked; one probe per queue at a time. */
  private consumerCount(queue: string): Promise<number | undefined> {
    let probe = this.probes.get(queue);
    if (!probe) {
      probe = this.probe(queue).finally(() => this.probes.delete(queue));
      this.probes.set(queue, probe);
    }
    return probe;
  }

  private async probe(queue: string): Promise<number | undefined> {
    try {
      const channel = await (this.probeChannel ?? this.openProbeChannel());
      return (await channel.checkQueue(queue)).consumerCount;
    } catch (error) {
      this.logger.debug({ queue, err: describeError(error) }, 'RPC server probe failed');
      return undefined;
    }
  }

  private openProbeChannel(): Promise<Channel> {
    // The RPC channel's connection, not the connection manager's: that one is unset until the whole setup has run.
    const model = this.slot.model;
    if (!model) return Promise.reject(new Error('no RPC channel'));
    const opening = model.createChannel().then((channel) => {
      channel.on('error', () => undefined);
      channel.on('close', () => this.forgetProbeChannel(opening));
      return channel;
    });
    opening.catch(() => this.forgetProbeChannel(opening));
    this.probeChannel = opening;
    return opening;
  }

  private forgetProbeChannel(channel: Promise<Channel>): void {
    if (this.probeChannel === channel) this.probeChannel = undefined;
  }

  private settle(correlationId: unknown): PendingCall | undefined {
    if (typeof correlationId !== 'string') return undefined;
    const call = this.pending.get(correlationId);
    if (!call) return undefined;
    this.pending.delete(correlationId);
    this.deadlines.untrack(call);
    return call;
  }

  private rejectAll(errorFor: (spec: RpcSpec) => Error): void {
    for (const id of [...this.pending.keys()]) {
      const call = this.settle(id);
      call?.reject(errorFor(call.spec));
    }
  }
}

/**
 * Our servers mark errors with a header; a Python server just replies `{"error": "..."}`, which we
 * read as an error only when it is not a valid reply, so a reply schema may still have an `error` field.
 */
function decodeReply(spec: RpcSpec, message: Message): unknown {
  const headersDropped = undecodableHeaders(message.properties);
  if (headersDropped) throw new RpcRemoteError(spec.name, 'malformed_reply', headersDropped);
  let body: unknown;
  try {
    body = JSON.parse(message.content.toString('utf8'));
  } catch {
    throw new RpcRemoteError(spec.name, 'malformed_reply', 'the reply is not JSON');
  }
  const remoteError = errorReply(body);
  if (message.properties.headers?.[Header.rpcError] === true && remoteError) {
    throw new RpcRemoteError(spec.name, remoteError.code, remoteError.message);
  }
  if (spec.validateReply(body)) return body;
  if (remoteError) throw new RpcRemoteError(spec.name, remoteError.code, remoteError.message);
  throw new ValidationError(spec.replyMessage, [...(spec.validateReply.errors ?? [])]);
}

function errorReply(body: unknown): { code: string; message: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { error, error_code: code } = body as { error?: unknown; error_code?: unknown };
  if (typeof error !== 'string') return undefined;
  return { code: typeof code === 'string' ? code : 'remote_error', message: error };
}
