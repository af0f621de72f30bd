/**
 * Reliable sending on one shared confirm channel. `send` resolves only once the broker confirmed
 * the message; a mandatory message the broker returned rejects with `UnroutableError`. Each send
 * has one deadline covering everything: waiting out an outage (in a bounded buffer), waiting for
 * the socket to drain, and re-sending messages whose channel died before they were confirmed or
 * that the broker nacked. A nack is sent again on a fresh channel: on a cluster, a channel whose
 * publish reached a quorum queue while its leader was being elected stays refused (every later
 * publish nacked) until the lost node returns, while a new channel works at once. The nacked
 * channel is retired, not cut: nothing more is written to it, and it is replaced once the sends
 * already on it have their confirms (or after `RETIRE_GRACE_MS`), so that one message the broker
 * keeps refusing (a full queue with `x-overflow: reject-publish`) fails alone instead of taking
 * the confirms of every send beside it with the channel, again and again.
 * Sends are never serialised: any number may be awaiting their confirms at once.
 */
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import type { ConnectionManager } from './connection.js';
import { ManagedChannel } from './managed-channel.js';
import { InFlight } from './in-flight.js';
import { Deadlines, Expiring } from './deadlines.js';
import {
  ConnectionClosedError,
  OutageBufferFullError,
  PublishFailedError,
  PublishTimeoutError,
  UnroutableError,
} from './errors.js';
import { encodeFailure } from './wire-limits.js';

export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  /** Must carry a `messageId`: with the exchange and routing key it matches a returned message to its send. */
  properties: Options.Publish & { messageId: string };
}

class PendingSend extends Expiring {
  settled = false;
  nacked = false;

  constructor(
    readonly message: OutgoingMessage,
    readonly timeoutMs: number,
    readonly resolve: () => void,
    readonly reject: (error: Error) => void,
  ) {
    super(performance.now() + timeoutMs);
  }
}

const NACKED = 'message nacked';
/** How long a retired channel may wait for the confirms of the sends already on it before it is replaced anyway. */
const RETIRE_GRACE_MS = 1_000;

export class ConfirmPublisher {
  readonly slot: ManagedChannel<ConfirmChannel>;
  /** Sends waiting for a channel (outage) or for the socket to drain, in order. */
  private readonly waiting = new Set<PendingSend>();
  /** Messages the broker returned as unroutable, oldest first, each until its own confirm arrives. */
  private readonly returned: Message[] = [];
  private awaitingDrain = false;
  /** Sends written to each channel that still await their confirm. */
  private readonly unconfirmed = new Map<ConfirmChannel, number>();
  /** A channel the broker nacked on: written to no more, replaced once its sends are confirmed. */
  private retiring: ConfirmChannel | undefined;
  private readonly inFlight = new InFlight();
  private readonly deadlines = new Deadlines<PendingSend>((pending) => {
    const { exchange, routingKey } = pending.message;
    this.settle(
      pending,
      pending.nacked
        ? new PublishFailedError(
            exchange,
            routingKey,
            `the broker refused it (nack) until the ${pending.timeoutMs} ms deadline`,
          )
        : new PublishTimeoutError(exchange, routingKey, pending.timeoutMs),
    );
  });
  private closed = false;

  constructor(
    connection: ConnectionManager,
    logger: Logger,
    private readonly bufferLimit: number,
  ) {
    this.slot = new ManagedChannel(
      {
        name: 'publish',
        open: (model: ChannelModel) => model.createConfirmChannel(),
        setup: async (channel) => {
          channel.on('return', (message: Message) => this.onReturn(message));
        },
        onReady: () => this.flush(),
        onLost: () => {
          this.awaitingDrain = false;
          this.returned.length = 0;
        },
      },
      connection,
      logger,
      bufferLimit,
    );
  }

  send(message: OutgoingMessage, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new ConnectionClosedError(`publish to ${message.exchange}`));
    return new Promise<void>((resolve, reject) => {
      const pending = new PendingSend(message, timeoutMs, resolve, reject);
      this.deadlines.track(pending);
      this.inFlight.enter();
      this.dispatch(pending);
    });
  }

  /** True once no send awaits a confirm any more, false if `timeoutMs` passed first. */
  waitForIdle(timeoutMs: number): Promise<boolean> {
    return this.inFlight.whenIdle(timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.waiting)
      this.settle(pending, new ConnectionClosedError(`publish to ${pending.message.exchange}`));
    this.waiting.clear();
    await this.slot.close();
  }

  private dispatch(pending: PendingSend): void {
    const channel = this.writableChannel();
    if (!channel || this.awaitingDrain || this.waiting.size > 0 || !this.write(channel, pending)) this.park(pending);
  }

  /** The channel to write to: none while there is none or while the current one is being retired. */
  private writableChannel(): ConfirmChannel | undefined {
    const channel = this.slot.channel;
    return channel === this.retiring ? undefined : channel;
  }

  /**
   * False if the channel turned out to be dead (amqplib has not told the slot yet). A message amqplib
   * cannot encode would fail on any channel: it is failed here, alone, and the sends behind it go on.
   */
  private write(channel: ConfirmChannel, pending: PendingSend): boolean {
    const { exchange, routingKey, content, properties } = pending.message;
    let writable: boolean;
    this.countUnconfirmed(channel, +1);
    try {
      writable = channel.publish(exchange, routingKey, content, properties, (error: unknown) => {
        this.countUnconfirmed(channel, -1);
        this.onConfirm(pending, error, channel);
        this.replaceIfRetired(channel);
      });
    } catch (error) {
      this.countUnconfirmed(channel, -1);
      const unencodable = encodeFailure(destination(pending.message), properties.headers, error);
      if (!unencodable) return false;
      this.settle(pending, unencodable);
      return true;
    }
    if (!writable) {
      this.awaitingDrain = true;
      channel.once('drain', () => {
        this.awaitingDrain = false;
        this.flush();
      });
    }
    return true;
  }

  private park(pending: PendingSend): void {
    if (this.waiting.size >= this.bufferLimit) {
      this.settle(pending, new OutageBufferFullError(`publish to ${pending.message.exchange}`, this.bufferLimit));
      return;
    }
    this.waiting.add(pending);
  }

  private flush(): void {
    for (const pending of this.waiting) {
      const channel = this.writableChannel();
      if (!channel || this.awaitingDrain) return;
      if (!this.write(channel, pending)) return;
      this.waiting.delete(pending);
    }
  }

  private onConfirm(pending: PendingSend, error: unknown, channel: ConfirmChannel): void {
    const nacked = error instanceof Error && error.message === NACKED;
    if (error && !nacked) {
      // The channel closed before the confirm: the broker may not have it. Send again on the next channel.
      if (!pending.settled) this.park(pending);
      return;
    }
    // Even for a send that already timed out: its return must not be left for another send to take.
    const unroutable = this.takeReturn(pending.message);
    if (pending.settled) return;
    if (nacked) {
      pending.nacked = true;
      this.park(pending);
      this.retire(channel);
      return;
    }
    const { exchange, routingKey } = pending.message;
    this.settle(pending, unroutable ? new UnroutableError(exchange, routingKey) : undefined);
  }

  private onReturn(message: Message): void {
    this.returned.push(message);
  }

  /**
   * Whether the broker returned this message. Message ids alone cannot tell (outbox retries and
   * dead-letter replays reuse them), but order can: the broker sends returns in publish order, each
   * before its message's confirm, while one ack may confirm several earlier messages at once. So the
   * oldest return belongs to the first send confirmed after it with the same exchange, routing key and id.
   */
  private takeReturn({ exchange, routingKey, properties }: OutgoingMessage): boolean {
    const oldest = this.returned[0];
    if (
      !oldest ||
      oldest.properties.messageId !== properties.messageId ||
      oldest.fields.routingKey !== routingKey ||
      oldest.fields.exchange !== exchange
    )
      return false;
    this.returned.shift();
    return true;
  }

  /** Writes nothing more to `channel`; it is replaced once the sends on it are confirmed, or after the grace. */
  private retire(channel: ConfirmChannel): void {
    if (this.retiring === channel || this.slot.channel !== channel) return;
    this.retiring = channel;
    setTimeout(() => this.replace(channel), RETIRE_GRACE_MS).unref();
  }

  private countUnconfirmed(channel: ConfirmChannel, change: 1 | -1): void {
    const count = (this.unconfirmed.get(channel) ?? 0) + change;
    if (count > 0) this.unconfirmed.set(channel, count);
    else this.unconfirmed.delete(channel);
  }

  private replaceIfRetired(channel: ConfirmChannel): void {
    if (channel === this.retiring && !this.unconfirmed.has(channel)) this.replace(channel);
  }

  private replace(channel: ConfirmChannel): void {
    if (this.retiring !== channel) return;
    this.retiring = undefined;
    this.slot.renew(channel, 'the broker nacked a publish');
  }

  private settle(pending: PendingSend, error?: Error): void {
    if (pending.settled) return;
    pending.settled = true;
    this.deadlines.untrack(pending);
    this.waiting.delete(pending);
    if (error) pending.reject(error);
    else pending.resolve();
    this.inFlight.leave();
  }
}

export function destination({ exchange, routingKey }: Pick<OutgoingMessage, 'exchange' | 'routingKey'>): string {
  return `publish to "${exchange}" / "${routingKey}"`;
}
