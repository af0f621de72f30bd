/**
 * Fails fast, with the URL (password hidden) and what to do: a broker that refused the credentials
 * or the vhost says so; one that cannot be reached gets the hint to start it. A cluster list is
 * read as the services read it (runtime/config.ts): each node is tried, with the login as they
 * send it, and the check passes when one of them lets the demo in.
 */
import { connect } from 'amqplib';
import { brokerRefusal, describeError, resolveConfig } from '../runtime/index.js';

const CHECK_TIMEOUT_MS = 5_000;

export async function assertBrokerReachable(url: string): Promise<void> {
  const { endpoints, displayUrl } = resolveConfig('demo', { url });
  const unreachable: string[] = [];
  let refusal: Error | undefined;
  for (const endpoint of endpoints) {
    try {
      await withTimeout(async () =>
        (await connect(endpoint.url, { ...endpoint.socketOptions, timeout: CHECK_TIMEOUT_MS })).close(),
      );
      return;
    } catch (error) {
      refusal ??= brokerRefusal(endpoint.url, endpoint.displayUrl, error);
      unreachable.push(`${endpoint.displayUrl} (${describeError(error)})`);
    }
  }
  // A node that answered with a refusal says what to fix; "start a broker" would not.
  if (refusal) throw refusal;
  throw new Error(
    [
      `Cannot reach RabbitMQ at ${endpoints.length === 1 ? unreachable[0] : `any of ${displayUrl}: ${unreachable.join('; ')}`}.`,
      'Start a broker, then run the demo again:',
      '  bash scripts/ensure-broker.sh      # RabbitMQ installed on this machine (guest on localhost, the default URL)',
      '  docker compose up -d rabbitmq      # with Docker: credentials from .env, so then',
      '  RABBITMQ_URL=amqp://<RABBITMQ_ADMIN_USER>:<RABBITMQ_ADMIN_PASSWORD>@localhost:5672 npm run demo',
    ].join('\n'),
  );
}

async function withTimeout(attempt: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      attempt(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
