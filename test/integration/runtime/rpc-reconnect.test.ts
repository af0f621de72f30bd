/**
 * An RPC whose queue nobody consumes keeps failing fast across a connection loss: the call made
 * during the outage and the calls after the reconnect get NoRpcServerError, as before the loss.
 * The RPC timeout is 30 s, so only the consumer-count probe can produce that error.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { pino } from 'pino';
import { createTestVhost, killConnections, waitFor, type TestVhost } from '../../support/broker.js';
import { plainDurableQueue } from '../../support/definitions.js';
import {
  connectService,
  NoRpcServerError,
  type ServiceConnection,
  type ServiceDefinition,
} from '../../../runtime/index.js';
import { pricingClientDefinition, quoteRpc } from './_fixtures.js';

const IDLE_QUEUE = 'idle.quote';

let vhost: TestVhost;
let client: ServiceConnection;
let callDuringOutage: Promise<unknown> | undefined;

/** The caller declares the RPC queue itself; no server ever consumes it. */
function callerDefinition(): ServiceDefinition {
  const definition = pricingClientDefinition({ ...quoteRpc, queue: IDLE_QUEUE });
  return { ...definition, topology: { ...definition.topology, queues: [plainDurableQueue(IDLE_QUEUE, 'rpc')] } };
}

const call = (): Promise<unknown> => client.call('quotePrice', { sku: 'a' });

/** Makes the call during the outage as soon as the runtime reports its publish connection (RPC calls go out on it) lost, before it reconnects. */
function loggerCallingOnLoss() {
  return pino(
    { level: 'warn' },
    {
      write(line: string) {
        if (!callDuringOutage && line.includes('connection lost') && line.includes('/publish"')) {
          callDuringOutage = new Promise((resolve) => setImmediate(resolve))
            .then(call)
            .catch((error: unknown) => error);
        }
      },
    },
  );
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-rpc-reconnect');
  client = await connectService(
    callerDefinition(),
    { consumers: {}, rpcServers: {} },
    { url: vhost.url, logger: loggerCallingOnLoss(), rpcTimeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await client?.close();
  await vhost?.dispose();
});

it('fails fast with NoRpcServerError during and after a reconnect', async () => {
  await expect(call()).rejects.toBeInstanceOf(NoRpcServerError);
  await killConnections(vhost, 'rpc probe test');
  await waitFor(() => callDuringOutage !== undefined, {
    timeoutMs: 10_000,
    what: 'the runtime to notice the connection loss',
  });
  expect(await callDuringOutage).toBeInstanceOf(NoRpcServerError);
  await expect(call()).rejects.toBeInstanceOf(NoRpcServerError);
  await expect(call()).rejects.toBeInstanceOf(NoRpcServerError);
}, 90_000);
