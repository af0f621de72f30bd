/**
 * One `basic.ack` for many deliveries. Acking each message on its own costs the broker a command per
 * message (on a quorum queue a settle written to its log), and at a high prefetch that work, not
 * the client's, limits how fast a queue drains. The acks of one channel made in the same turn of
 * the event loop (all the messages of one socket read a synchronous handler took) are sent together
 * once it ends: as one ack with `multiple` up to the highest of them, when every earlier delivery on
 * the channel is settled, so that it acks exactly what was acked one by one; each on its own
 * otherwise (a delivery still being handled, or left unsettled, keeps its later ones individual).
 * A nack is sent at once. Acks made after the channel closed are dropped: the broker redelivers.
 */
import type { Channel, ConsumeMessage } from 'amqplib';

export class ChannelAcks {
  /** Delivered and neither acked nor nacked yet; in tag order, as the broker numbers a channel's deliveries upwards. */
  private readonly unsettled = new Set<number>();
  private acked: ConsumeMessage[] = [];

  constructor(
    private readonly channel: Channel,
    private readonly isClosed: () => boolean,
  ) {}

  delivered(message: ConsumeMessage): void {
    this.unsettled.add(message.fields.deliveryTag);
  }

  ack(message: ConsumeMessage): void {
    this.unsettled.delete(message.fields.deliveryTag);
    // A microtask: sent before any continuation of the handling that follows (shutdown waits for that).
    if (this.acked.push(message) === 1) queueMicrotask(this.flush);
  }

  nack(message: ConsumeMessage, requeue: boolean): void {
    this.unsettled.delete(message.fields.deliveryTag);
    if (!this.isClosed()) this.channel.nack(message, false, requeue);
  }

  private readonly flush = (): void => {
    const acked = this.acked;
    this.acked = [];
    if (this.isClosed()) return;
    const lowestUnsettled = this.unsettled.values().next().value;
    let highestCovered: ConsumeMessage | undefined;
    for (const message of acked) {
      const tag = message.fields.deliveryTag;
      if (lowestUnsettled !== undefined && tag > lowestUnsettled) this.channel.ack(message);
      else if (highestCovered === undefined || tag > highestCovered.fields.deliveryTag) highestCovered = message;
    }
    if (highestCovered) this.channel.ack(highestCovered, true);
  };
}
