/**
 * Vitest global setup: fails the run at once, with the fix, when the broker or its management API
 * is not reachable, instead of letting every integration test time out on its own.
 */
import { connect } from 'amqplib';
import { ADMIN_AMQP_URL, MANAGEMENT_API, management } from './broker.js';

const FIX = 'Start it with `bash scripts/ensure-broker.sh` (starts RabbitMQ and enables the management plugin).';

export async function setup(): Promise<void> {
  try {
    const connection = await connect(ADMIN_AMQP_URL);
    await connection.close();
  } catch (error) {
    throw new Error(`RabbitMQ does not accept AMQP connections on 127.0.0.1:5672 (${String(error)}). ${FIX}`);
  }
  try {
    await management('GET', '/overview');
  } catch (error) {
    throw new Error(`The RabbitMQ management API does not answer at ${MANAGEMENT_API} (${String(error)}). ${FIX}`);
  }
}
