/**
 * Vitest global setup: fails the run at once, with the fix, when the broker or its management API
 * is not reachable, instead of letting every integration test time out on its own.
 */
import { assertBrokerReachable } from './broker.js';

export async function setup(): Promise<void> {
  try {
    await assertBrokerReachable();
  } catch (error) {
    throw new Error(`${(error as Error).message}. Start it with \`bash scripts/ensure-broker.sh\` (starts RabbitMQ and enables the management plugin).`);
  }
}
