/**
 * Fails fast, with the URL (password hidden) and what to do: a broker that refused the credentials
 * or the vhost says so; one that cannot be reached gets the hint to start it.
 */
import { connect } from 'amqplib';
import { maskUrl } from '../runtime/config.js';
import { brokerRefusal } from '../runtime/broker-refusal.js';

const CHECK_TIMEOUT_MS = 5_000;

export async function assertBrokerReachable(url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const connection = await Promise.race([
      connect(url, { timeout: CHECK_TIMEOUT_MS }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    await connection.close();
  } catch (error) {
    const refusal = brokerRefusal(url, maskUrl(url), error);
    if (refusal) throw refusal;
    throw new Error(
      [
        `Cannot reach RabbitMQ at ${maskUrl(url)} (${error instanceof Error ? error.message : String(error)}).`,
        'Start a broker, then run the demo again:',
        '  bash scripts/ensure-broker.sh      # RabbitMQ installed on this machine (guest on localhost, the default URL)',
        '  docker compose up -d rabbitmq      # with Docker: credentials from .env, so then',
        '  RABBITMQ_URL=amqp://<RABBITMQ_ADMIN_USER>:<RABBITMQ_ADMIN_PASSWORD>@localhost:5672 npm run demo',
      ].join('\n'),
    );
  } finally {
    clearTimeout(timer);
  }
}
