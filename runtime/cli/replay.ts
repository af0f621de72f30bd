/**
 * Replaying dead letters: each goes back to the one queue it failed in (the default exchange,
 * routing key = its `x-original-queue` header), never through its original exchange, which would
 * hand a second copy to every other queue bound to that routing key. It keeps
 * `x-original-exchange` and `x-original-routing-key`, so the consumer dispatches it by the route it
 * was first published with, and it comes back as attempt 1 with its full retries. The dead-letter
 * headers (reason, error, attempts, queue, by, at) are stripped: the message is live again, and if
 * it fails again the consumer writes them afresh. A message is removed from the dead-letter queue
 * only once the broker confirmed its republish; one that cannot be replayed stays where it is.
 *
 * The consumer believes those headers only from its own retry path: a message through the default
 * exchange whose `user_id` is the consumer's own broker user (runtime/origin.ts). A dead letter
 * carries exactly that `user_id` (the consumer wrote it), and the replay keeps it, so the broker
 * accepts the replay only from the consumer's own user or an operator user tagged `impersonator`:
 * anyone else is refused by the broker (406 PRECONDITION_FAILED). A dead letter without
 * `user_id` (written before origins were checked) is replayed with the replaying user's own.
 */
import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, GetMessage } from 'amqplib';
import { DEAD_LETTER_HEADERS, Header, withoutBrokerDeathHeaders } from '../headers.js';
import { describeError } from '../errors.js';

const USER_ID_REFUSED = /user_id property set to/;
const USER_ID_HINT = `: a dead letter keeps the user_id of the consumer that wrote it, which only that user or an operator user tagged "impersonator" may publish (docs/security.md, "Message origins")`;

/** Bookkeeping of the failed run that must not follow the message back into its queue. */
const DROPPED_ON_REPLAY: string[] = [...DEAD_LETTER_HEADERS, Header.attempt, Header.lastError];

export interface ReplayOutcome {
  replayed: number;
  left: number;
}

/** Replays up to `count` messages of `queue`, reporting each one left behind on stderr. */
export async function replay(
  channel: ConfirmChannel,
  queue: string,
  count: number,
  replayingUser: string | undefined,
): Promise<ReplayOutcome> {
  let replayed = 0;
  const left: GetMessage[] = [];
  for (let i = 0; i < count; i++) {
    const message = await channel.get(queue, { noAck: false });
    if (!message) break;
    try {
      await republish(channel, message, replayingUser);
    } catch (error) {
      left.push(message); // held unacked, so the loop does not get it again
      console.error(`#${i + 1} ${message.properties.messageId ?? ''}: ${describeError(error)}, left in ${queue}`);
      continue;
    }
    channel.ack(message);
    replayed++;
  }
  for (const message of left) channel.nack(message, false, true);
  return { replayed, left: left.length };
}

/** Publishes the dead letter into its original queue; resolves once the broker confirmed it. */
function republish(channel: ConfirmChannel, message: GetMessage, replayingUser: string | undefined): Promise<void> {
  const { properties } = message;
  const original = withoutBrokerDeathHeaders(properties.headers ?? {});
  const queue = original[Header.originalQueue];
  if (
    typeof queue !== 'string' ||
    typeof original[Header.originalExchange] !== 'string' ||
    typeof original[Header.originalRoutingKey] !== 'string'
  ) {
    return Promise.reject(
      new Error(
        `no ${Header.originalQueue}, ${Header.originalExchange} or ${Header.originalRoutingKey} header (not dead-lettered by this runtime)`,
      ),
    );
  }
  const headers = Object.fromEntries(Object.entries(original).filter(([name]) => !DROPPED_ON_REPLAY.includes(name)));
  const messageId: string = properties.messageId ?? randomUUID();
  return new Promise((resolve, reject) => {
    let returned = false;
    const onReturn = (back: { properties: { messageId?: unknown } }) => {
      if (back.properties.messageId === messageId) returned = true;
    };
    // A refused publish closes the channel: its reason comes as an error event, before the confirm callback hears "channel closed".
    let closedBecause: unknown;
    const onError = (error: unknown) => {
      closedBecause = error;
    };
    channel.on('return', onReturn);
    channel.on('error', onError);
    channel.publish(
      '',
      queue,
      message.content,
      {
        contentType: properties.contentType,
        correlationId: properties.correlationId,
        messageId,
        timestamp: properties.timestamp,
        type: properties.type,
        persistent: true,
        mandatory: true,
        userId: typeof properties.userId === 'string' ? properties.userId : replayingUser,
        headers,
      },
      (error: unknown) => {
        channel.off('return', onReturn);
        channel.off('error', onError);
        const why = describeError(closedBecause ?? error);
        if (error)
          reject(new Error(`replay to queue ${queue} failed (${why})${USER_ID_REFUSED.test(why) ? USER_ID_HINT : ''}`));
        else if (returned) reject(new Error(`replay to queue ${queue} failed (the queue does not exist)`));
        else resolve();
      },
    );
  });
}
