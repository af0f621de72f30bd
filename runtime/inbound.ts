/**
 * The channel all of a service's queues are consumed on (event consumers and RPC servers), on the
 * service's consume connection, which never publishes: a resource alarm does not stop it. It
 * starts every consumer on each new channel, counts deliveries in flight, acks a turn's deliveries
 * together (coalesced-acks.ts), and turns acks of a delivery whose channel has since died into
 * no-ops (the broker redelivers those).
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { Logger } from 'pino';
import type { ConnectionManager } from './connection.js';
import { ManagedChannel } from './managed-channel.js';
import { InFlight } from './in-flight.js';
import { ChannelAcks } from './coalesced-acks.js';
import { describeError } from './errors.js';

export interface Delivery {
  ack(): void;
  /** Back to the queue (requeue) or, with `false`, to the queue's broker dead-letter exchange if any. */
  nack(requeue: boolean): void;
}

export interface InboundQueue {
  /** The queue's name on the broker. */
  queue: string;
  prefetch: number;
  /** Returns nothing when the message was dealt with synchronously, else a promise of that. */
  handle(message: ConsumeMessage, delivery: Delivery): Promise<void> | undefined;
}

export class InboundChannel {
  readonly slot: ManagedChannel<Channel>;
  private readonly inFlight = new InFlight();
  private consumerTags: string[] = [];
  private readonly closedChannels = new WeakSet<Channel>();
  private stopping = false;

  constructor(
    private readonly queues: InboundQueue[],
    private readonly connection: ConnectionManager,
    private readonly logger: Logger,
    waiterLimit: number,
  ) {
    this.slot = new ManagedChannel(
      {
        name: 'inbound',
        open: (model: ChannelModel) => model.createChannel(),
        setup: (channel) => this.startConsumers(channel),
      },
      connection,
      logger,
      waiterLimit,
    );
  }

  /** Cancels every consumer, then waits (bounded) for the deliveries already being handled. */
  async stop(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    const channel = this.slot.channel;
    if (channel) {
      await Promise.all(this.consumerTags.map((tag) => channel.cancel(tag).catch(() => undefined)));
    }
    this.consumerTags = [];
    return this.inFlight.whenIdle(timeoutMs);
  }

  private async startConsumers(channel: Channel): Promise<void> {
    channel.once('close', () => this.closedChannels.add(channel));
    if (this.stopping) return;
    const acks = new ChannelAcks(channel, () => this.closedChannels.has(channel));
    // Deliveries wait until every consumer runs: a set-up that fails (a queue missing) has handled nothing, and the broker requeues what it sent.
    let early: [InboundQueue, ConsumeMessage | null][] | undefined = [];
    const tags: string[] = [];
    for (const inbound of this.queues) {
      // Without `global`, RabbitMQ applies prefetch to each consumer started after it.
      await channel.prefetch(inbound.prefetch);
      const { consumerTag } = await channel.consume(inbound.queue, (message) => {
        if (early) early.push([inbound, message]);
        else this.onMessage(acks, inbound, message);
      });
      tags.push(consumerTag);
    }
    this.consumerTags = tags;
    const waiting = early;
    early = undefined;
    for (const [inbound, message] of waiting) this.onMessage(acks, inbound, message);
  }

  private onMessage(acks: ChannelAcks, inbound: InboundQueue, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled the consumer (queue deleted or failed over): rebuild from scratch.
      this.connection.recycle(`consumer of ${inbound.queue} cancelled by the broker`);
      return;
    }
    acks.delivered(message);
    let handling: Promise<void> | undefined;
    try {
      handling = inbound.handle(message, new ChannelDelivery(acks, message));
    } catch (error) {
      this.onUnexpectedError(inbound, error);
      return;
    }
    if (!handling) return;
    this.inFlight.enter();
    handling.then(
      () => this.inFlight.leave(),
      (error: unknown) => {
        this.inFlight.leave();
        this.onUnexpectedError(inbound, error);
      },
    );
  }

  private onUnexpectedError(inbound: InboundQueue, error: unknown): void {
    this.logger.error({ queue: inbound.queue, err: describeError(error) }, 'unexpected error handling a delivery');
  }
}

/** Acks and nacks on the channel the message came in on; no-ops once that channel has closed. */
class ChannelDelivery implements Delivery {
  constructor(
    private readonly acks: ChannelAcks,
    private readonly message: ConsumeMessage,
  ) {}

  ack(): void {
    this.acks.ack(this.message);
  }

  nack(requeue: boolean): void {
    this.acks.nack(this.message, requeue);
  }
}
