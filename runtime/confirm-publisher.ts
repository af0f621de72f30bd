/**
 * Reliable sending on one shared confirm channel. `send` resolves only once the broker confirmed
 * the message; a mandatory message the broker returned rejects with `UnroutableError`. Each send
 * has one deadline covering everything: waiting out an outage (in a bounded buffer), waiting for
 * the socket to drain, and re-sending messages whose channel died before they were confirmed.
 * Sends are never serialised: any number may be awaiting their confirms at once.
 */
import type { ChannelModel, ConfirmChannel, Message, Options } from 'amqplib';
import type { Logger } from 'pino';
import type { ConnectionManager } from './connection.js';
import { ManagedChannel } from './managed-channel.js';
import { InFlight } from './in-flight.js';
import { Deadlines, Expiring } from './deadlines.js';
import { ConnectionClosedError, OutageBufferFullError, PublishFailedError, PublishTimeoutError, UnroutableError } from './errors.js';

export interface OutgoingMessage {
  exchange: string;
  routingKey: string;
  content: Buffer;
  /** Must carry a `messageId`: returned messages are matched to their sends by it. */
  properties: Options.Publish & { messageId: string };
}

class PendingSend extends Expiring {
  settled = false;

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

export class ConfirmPublisher {
  readonly slot: ManagedChannel<ConfirmChannel>;
  /** Sends waiting for a channel (outage) or for the socket to drain, in order. */
  private readonly waiting = new Set<PendingSend>();
  /** Message ids the broker returned as unroutable; their confirm follows the return. */
  private readonly returned = new Set<string>();
  private awaitingDrain = false;
  private readonly inFlight = new InFlight();
  private readonly deadlines = new Deadlines<PendingSend>((pending) =>
    this.settle(pending, new PublishTimeoutError(pending.message.exchange, pending.message.routingKey, pending.timeoutMs)),
  );
  private closed = false;

  constructor(connection: ConnectionManager, logger: Logger, private readonly bufferLimit: number) {
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
    for (const pending of this.waiting) this.settle(pending, new ConnectionClosedError(`publish to ${pending.message.exchange}`));
    this.waiting.clear();
    await this.slot.close();
  }

  private dispatch(pending: PendingSend): void {
    const channel = this.slot.channel;
    if (!channel || this.awaitingDrain || this.waiting.size > 0 || !this.write(channel, pending)) this.park(pending);
  }

  /** False if the channel turned out to be dead (amqplib has not told the slot yet). */
  private write(channel: ConfirmChannel, pending: PendingSend): boolean {
    const { exchange, routingKey, content, properties } = pending.message;
    let writable: boolean;
    try {
      writable = channel.publish(exchange, routingKey, content, properties, (error: unknown) => this.onConfirm(pending, error));
    } catch {
      return false;
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
      const channel = this.slot.channel;
      if (!channel || this.awaitingDrain) return;
      if (!this.write(channel, pending)) return;
      this.waiting.delete(pending);
    }
  }

  private onConfirm(pending: PendingSend, error: unknown): void {
    if (pending.settled) return;
    const { exchange, routingKey, properties } = pending.message;
    if (!error) {
      const unroutable = this.returned.delete(properties.messageId);
      this.settle(pending, unroutable ? new UnroutableError(exchange, routingKey) : undefined);
    } else if (error instanceof Error && error.message === NACKED) {
      this.settle(pending, new PublishFailedError(exchange, routingKey, 'the broker refused it (nack)'));
    } else {
      // The channel closed before the confirm: the broker may not have it. Send again on the next channel.
      this.park(pending);
    }
  }

  private onReturn(message: Message): void {
    const id: unknown = message.properties.messageId;
    if (typeof id === 'string') this.returned.add(id);
  }

  private settle(pending: PendingSend, error?: Error): void {
    if (pending.settled) return;
    pending.settled = true;
    this.deadlines.untrack(pending);
    this.waiting.delete(pending);
    if (error) {
      this.returned.delete(pending.message.properties.messageId);
      pending.reject(error);
    } else {
      pending.resolve();
    }
    this.inFlight.leave();
  }
}
