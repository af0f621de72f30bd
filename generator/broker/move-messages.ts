/**
 * Moves every message of one queue into another over AMQP, for `broker:migrate --move`: each is
 * published to the target through the default exchange with publisher confirms, and taken from
 * the source only once the broker confirmed the copy, so a crash in between leaves a duplicate,
 * never a loss. Where a message was first published (`x-original-exchange`,
 * `x-original-routing-key`, as retries carry it) is kept, or recorded from its delivery, so the
 * consumer of the target still finds its handler by the original routing key.
 */
import { connect, type GetMessage, type Options } from 'amqplib';
import { Header } from '../../runtime/headers.js';

function republishOptions(message: GetMessage): Options.Publish {
  // userId must name the connection's own user, so it is not carried over.
  const { headers, userId: _userId, ...properties } = message.properties;
  return {
    ...Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)),
    mandatory: true,
    headers: {
      ...headers,
      [Header.originalExchange]: headers?.[Header.originalExchange] ?? message.fields.exchange,
      [Header.originalRoutingKey]: headers?.[Header.originalRoutingKey] ?? message.fields.routingKey,
    },
  };
}

/** Moves what `from` holds into `to`; resolves with how many messages moved. */
export async function moveMessages(amqpUrl: string, from: string, to: string): Promise<number> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    await channel.checkQueue(to);
    // An unroutable copy is returned before it is confirmed: the original must then stay.
    let returned = false;
    channel.on('return', () => {
      returned = true;
    });
    let moved = 0;
    for (let message = await channel.get(from, { noAck: false }); message !== false; message = await channel.get(from, { noAck: false })) {
      channel.sendToQueue(to, message.content, republishOptions(message));
      await channel.waitForConfirms();
      if (returned) throw new Error(`moving ${from} to ${to}: the broker could not route a message to "${to}"; it stays in "${from}"`);
      channel.ack(message);
      moved += 1;
    }
    await channel.close();
    return moved;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
