/**
 * A variant process: rebuilds its scenario from the assignment in its environment, keeps its one
 * variant, and runs it each time the bench process asks, answering with the sample. It exits when
 * the bench process disconnects.
 */
import { attachBenchBroker } from '../support/broker.js';
import { messagingScenarios } from '../scenarios/index.js';
import { ASSIGNMENT_VARIABLE, type FromVariant, type ToVariant, type VariantAssignment } from './protocol.js';

const send = (message: FromVariant) => process.send?.(message);

const assignment = JSON.parse(process.env[ASSIGNMENT_VARIABLE] ?? 'null') as VariantAssignment | null;
if (!assignment || !process.send)
  throw new Error(`a variant process is started by the bench process (with ${ASSIGNMENT_VARIABLE} and an IPC channel)`);
const [scenario] = messagingScenarios(attachBenchBroker(assignment.broker), assignment.mode, assignment.scenario);
const variant = scenario?.variants.find(({ id }) => id === assignment.variant);
if (!variant) throw new Error(`scenario ${assignment.scenario} has no variant ${assignment.variant}`);

process.on('message', (message: ToVariant) => {
  if (message.type !== 'run') return;
  variant.run().then(
    (sample) => send({ type: 'sample', sample }),
    (error: unknown) =>
      send({ type: 'failed', error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
