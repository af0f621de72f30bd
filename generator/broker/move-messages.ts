/**
 * Moves every message of one queue into another over AMQP, for `broker:migrate --move`: each is
 * published to the target through the default exchange with publisher confirms, and taken from
 * the source only once the broker confirmed the copy, so a crash in between leaves a duplicate,
 * never a loss.
 *
 * The copy enters the target as the runtime's own retries do (docs/security.md, "Message
 * origins"): stamped with the mover's user as `user_id`, the route it was first published on in
 * `x-original-exchange`/`x-original-routing-key` and its publisher in `x-original-user-id`, so the
 * consumer of the target finds its handler and judges the real publisher. A message that came
 * through an exchange is recorded from its delivery, which the broker vouches for. One that came
 * through the default exchange keeps the route in its headers only if it was stamped by the
 * mover's own user (a retry of the consuming service, when the mover runs as that service); any
 * other keeps its real route, so a forgery is not laundered by the move: the target's consumer
 * refuses it (`unauthorized_origin`).
 */
import { connect, type GetMessage, type Options } from 'amqplib';
import { Header } from '../../runtime/headers.js';
import { identityOf } from '../../runtime/origin.js';

function republishOptions(message: GetMessage, moverUser: string | undefined): Options.Publish {
  const { headers = {}, userId, ...properties } = message.properties;
  const recorded =
    message.fields.exchange === '' &&
    userId === moverUser &&
    typeof headers[Header.originalExchange] === 'string' &&
    typeof headers[Header.originalRoutingKey] === 'string';
  const route = recorded
    ? {
        [Header.originalExchange]: headers[Header.originalExchange],
        [Header.originalRoutingKey]: headers[Header.originalRoutingKey],
        [Header.originalUserId]: headers[Header.originalUserId],
      }
    : {
        [Header.originalExchange]: message.fields.exchange,
        [Header.originalRoutingKey]: message.fields.routingKey,
        [Header.originalUserId]: userId,
      };
  return {
    ...Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== undefined)),
    ...(moverUser !== undefined && { userId: moverUser }),
    mandatory: true,
    headers: { ...headers, ...Object.fromEntries(Object.entries(route).filter(([, value]) => value !== undefined)) },
  };
}

/** Moves what `from` holds into `to`; resolves with how many messages moved. */
export async function moveMessages(amqpUrl: string, from: string, to: string): Promise<number> {
  const moverUser = identityOf(amqpUrl, '').user;
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
    for (
      let message = await channel.get(from, { noAck: false });
      message !== false;
      message = await channel.get(from, { noAck: false })
    ) {
      channel.sendToQueue(to, message.content, republishOptions(message, moverUser));
      await channel.waitForConfirms();
      if (returned)
        throw new Error(
          `moving ${from} to ${to}: the broker could not route a message to "${to}"; it stays in "${from}"`,
        );
      channel.ack(message);
      moved += 1;
    }
    await channel.close();
    return moved;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** What `queue` holds and how many consumers read it, live (a passive declare); undefined once it is gone. */
export async function queueUse(
  amqpUrl: string,
  queue: string,
): Promise<{ messageCount: number; consumerCount: number } | undefined> {
  const connection = await connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    return await channel.checkQueue(queue).catch((error: unknown) => {
      if (/\b404\b|NOT_FOUND/.test(String(error))) return undefined;
      throw error;
    });
  } finally {
    await connection.close().catch(() => undefined);
  }
}
