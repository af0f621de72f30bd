/**
 * `npm run demo`: starts the PeerPrep services (collaboration-service twice) against RABBITMQ_URL
 * (default: the local broker), runs the scenario, prints every message as it flows, stops the
 * services with SIGTERM and exits 0 if all of it worked.
 *
 * `npm run demo -- --cluster`: the same against the local three-node RabbitMQ cluster (started if
 * needed); before step 3 the node matching-service is connected to is killed, and the demo prints
 * which node each service moved to.
 */
import { maskUrl } from '../runtime/index.js';
import { assertBrokerReachable } from './broker-check.js';
import { killNodeOf, startBrokerCluster } from './broker-cluster.js';
import { Cluster } from './cluster.js';
import { runScenario, type Reporter } from './scenario.js';
import { formatTrace, shortenIds } from './trace-format.js';

const onBrokerCluster = process.argv.includes('--cluster');
const url = onBrokerCluster ? await startBrokerCluster() : process.env.RABBITMQ_URL || 'amqp://localhost:5672';

try {
  await assertBrokerReachable(url);
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

console.log(`PeerPrep demo against ${url.split(',').map(maskUrl).join(', ')}\n`);
const cluster = await Cluster.start(url);
for (const instance of cluster.instances)
  console.log(
    `  started ${instance.instanceId.padEnd(16)} ${instance.name.padEnd(22)} http://127.0.0.1:${instance.port}`,
  );
console.log(
  '\n  Trace lines: +ms since the step began, instance, -> publish / <- consume / => RPC call / <= RPC serve or reply,',
);
console.log(
  '  exchange ((default) for RPC requests) and routing key, the queue a message was read from, and its message id.',
);
console.log('  Ids are cut to their first 8 characters.');

let stepStartedAt = Date.now();
let reviveNode: (() => Promise<void>) | undefined;
const reporter: Reporter = {
  async beforeStep(title) {
    if (onBrokerCluster && title.startsWith('3.')) reviveNode = await killNodeOf(cluster, 'matching');
  },
  step(title) {
    stepStartedAt = Date.now();
    console.log(`\n${title}`);
  },
  action(text) {
    console.log(`  client: ${shortenIds(text)}`);
  },
  messages(events) {
    for (const event of [...events].sort((a, b) => a.time - b.time)) console.log(formatTrace(event, stepStartedAt));
  },
};

let failed = false;
try {
  await runScenario(cluster, reporter);
} catch (error) {
  failed = true;
  console.error(`\nThe scenario failed: ${(error as Error).message}`);
}
console.log('\nStopping the services (SIGTERM: HTTP server, then the bus, then the store)');
const codes = await cluster.stop();
for (const [instance, code] of Object.entries(codes)) console.log(`  ${instance.padEnd(16)} exited with code ${code}`);
await reviveNode?.();
const clean = Object.values(codes).every((code) => code === 0);
console.log(
  failed || !clean ? '\nDemo FAILED' : '\nDemo finished: every step worked and every service shut down cleanly.',
);
process.exit(failed || !clean ? 1 : 0);
