/**
 * The acks a consumer makes in one turn leave as one `basic.ack` when that acks exactly them, and
 * never ack a delivery the consumer has not settled: closing the channel afterwards redelivers
 * exactly the unsettled ones.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { createTestVhost, type TestVhost } from '../../support/broker.js';
import { ChannelAcks } from '../../../runtime/coalesced-acks.js';

let vhost: TestVhost;
let model: ChannelModel;

beforeAll(async () => {
  vhost = await createTestVhost('coalesced-acks');
  model = await connect(vhost.url);
});

afterAll(async () => {
  await model?.close();
  await vhost?.dispose();
});

/** A queue holding `count` messages ("0", "1", ...) and a channel that has taken them all, not yet settled. */
async function deliveredOnNewChannel(count: number) {
  const setup = await model.createChannel();
  const { queue } = await setup.assertQueue('', { durable: false, arguments: { 'x-queue-type': 'classic' } });
  for (let i = 0; i < count; i++) setup.sendToQueue(queue, Buffer.from(String(i)));
  const channel = await model.createChannel();
  const acksSent: { tag: number; multiple: boolean }[] = [];
  const ack = channel.ack.bind(channel);
  channel.ack = (message: ConsumeMessage, multiple?: boolean) => {
    acksSent.push({ tag: message.fields.deliveryTag, multiple: multiple ?? false });
    ack(message, multiple);
  };
  const acks = new ChannelAcks(channel, () => false);
  const messages: ConsumeMessage[] = [];
  await channel.prefetch(count);
  const all = new Promise<void>((resolve) => {
    void channel.consume(queue, (message) => {
      if (!message) return;
      acks.delivered(message);
      if (messages.push(message) === count) resolve();
    });
  });
  await all;
  return { setup, channel, queue, acks, messages, acksSent };
}

/** What the queue holds once `channel` is closed: the bodies the broker put back. */
async function redeliveredAfterClosing(setup: Channel, channel: Channel, queue: string): Promise<string[]> {
  await channel.close();
  const bodies: string[] = [];
  for (let message = await setup.get(queue); message; message = await setup.get(queue)) {
    bodies.push(message.content.toString());
    setup.ack(message);
  }
  return bodies.sort();
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

it('acks a whole turn of settled deliveries with one multiple ack', async () => {
  const { setup, channel, queue, acks, messages, acksSent } = await deliveredOnNewChannel(5);
  for (const message of messages) acks.ack(message);
  await nextTurn();
  expect(acksSent).toEqual([{ tag: 5, multiple: true }]);
  expect(await redeliveredAfterClosing(setup, channel, queue)).toEqual([]);
});

it('acks one by one past a delivery still unsettled, and the broker redelivers only that one', async () => {
  const { setup, channel, queue, acks, messages, acksSent } = await deliveredOnNewChannel(5);
  const [m0, m1, m2, m3, m4] = messages as [
    ConsumeMessage,
    ConsumeMessage,
    ConsumeMessage,
    ConsumeMessage,
    ConsumeMessage,
  ];
  acks.ack(m3);
  acks.ack(m0);
  acks.ack(m1);
  acks.ack(m4);
  await nextTurn();
  expect(acksSent).toEqual([
    { tag: 4, multiple: false },
    { tag: 5, multiple: false },
    { tag: 2, multiple: true },
  ]);
  expect(await redeliveredAfterClosing(setup, channel, queue)).toEqual([m2.content.toString()]);
});

it('covers a nacked delivery with a later multiple ack without acking it again', async () => {
  const { setup, channel, queue, acks, messages, acksSent } = await deliveredOnNewChannel(3);
  const [m0, m1, m2] = messages as [ConsumeMessage, ConsumeMessage, ConsumeMessage];
  acks.ack(m0);
  acks.nack(m1, true);
  acks.ack(m2);
  await nextTurn();
  expect(acksSent).toEqual([{ tag: 3, multiple: true }]);
  // The nacked message went back to the queue and was redelivered to the still-open consumer: unsettled, so back again on close.
  expect(await redeliveredAfterClosing(setup, channel, queue)).toEqual([m1.content.toString()]);
});
