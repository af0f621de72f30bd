/**
 * The generated facades on the local three-node cluster while nodes die (SIGKILL): publishers,
 * consumers, RPC callers and servers fail over to a node that answers; quorum queues keep every
 * confirmed message. Figures (time to resume, duplicates) are printed, not asserted. Runs alone,
 * after the main suite (vitest.cluster.config.ts); each test restarts the node it killed.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  connect as connectMatching,
  matchingServiceDefinition,
  type MatchingServiceBus,
  type MatchingServiceHandlers,
} from '../../generated/services/matching-service.js';
import {
  connect as connectUser,
  userServiceDefinition,
  type UserServiceBus,
  type UserServiceHandlers,
} from '../../generated/services/user-service.js';
import {
  collaborationServiceDefinition,
  connect as connectCollaboration,
  type CollaborationServiceHandlers,
} from '../../generated/services/collaboration-service.js';
import { topology as contractTopology } from '../../generated/topology.js';
import { createTestVhost, waitFor, type TestVhost } from '../support/broker.js';
import {
  CLUSTER,
  NODES,
  clusterManagement,
  connectedNode,
  firstNodeOf,
  instanceIdStarting,
  killNode,
  movedNode,
  queueLeader,
  restartNode,
  type NodeNumber,
} from '../support/cluster.js';
import { handlersFor, started } from '../support/handlers.js';
import { testLogger } from '../support/definitions.js';
import { DeliveryCounter, publishStream } from '../fault/tick-services.js';
import { startPython } from '../interop/python-peer.js';
import type { MatchFound, UserCreated } from '../../generated/index.js';
import type { ConsumeContext } from '../../runtime/index.js';

let vhost: TestVhost;
const open: { close(): Promise<void> }[] = [];
const killed = new Set<NodeNumber>();

beforeAll(async () => {
  vhost = await createTestVhost('cluster-failover', CLUSTER);
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((bus) => bus.close()));
  for (const node of killed) await restartNode(node);
  killed.clear();
});
afterAll(async () => {
  await vhost?.dispose();
});

async function kill(node: NodeNumber): Promise<number> {
  killed.add(node);
  await killNode(node);
  return performance.now();
}

async function revive(node: NodeNumber): Promise<void> {
  await restartNode(node);
  killed.delete(node);
}

function userCreated(seq: number): UserCreated {
  return {
    user_id: randomUUID(),
    username: `user-${seq}`,
    email: `user-${seq}@example.com`,
    timestamp: new Date().toISOString(),
  };
}

const seqOf = (event: UserCreated) => Number(event.username.slice('user-'.length));

async function userService(instanceId: string, handlers: Partial<UserServiceHandlers> = {}): Promise<UserServiceBus> {
  const bus = await started(
    connectUser({ url: vhost.url, instanceId, logger: testLogger() }),
    handlersFor<UserServiceHandlers>(userServiceDefinition, handlers),
  );
  open.push(bus);
  return bus;
}

async function matchingService(
  instanceId: string,
  handlers: Partial<MatchingServiceHandlers> = {},
): Promise<MatchingServiceBus> {
  const bus = await started(
    connectMatching({ url: vhost.url, instanceId, logger: testLogger() }),
    handlersFor<MatchingServiceHandlers>(matchingServiceDefinition, handlers),
  );
  open.push(bus);
  return bus;
}

/** A queue's leader, members online, consumers and messages, for a failure message. */
async function describeQueue(vhostName: string, queue: string): Promise<string> {
  const response = await clusterManagement(
    'GET',
    `/queues/${encodeURIComponent(vhostName)}/${encodeURIComponent(queue)}`,
  );
  const { leader, online, consumers, messages } = (await response.json()) as {
    leader?: string;
    online?: string[];
    consumers?: number;
    messages?: number;
  };
  return `leader ${leader}, online ${online?.join(' ')}, ${consumers} consumer(s), ${messages} message(s)`;
}

/** When the next event after `since` happened, or undefined. */
function firstAfter(times: number[], since: number): number | undefined {
  return times.find((time) => time > since);
}

it("loses none of 10,000 confirmed messages while the publisher's node, then the consumer queue leader's node, is killed", async () => {
  const total = 10_000;
  const counter = new DeliveryCounter();
  const consumedAt: number[] = [];
  const confirmedAt: number[] = [];
  await matchingService('consumer', {
    userCreated: (event: UserCreated, context: ConsumeContext) => {
      counter.record(seqOf(event), context.redelivered);
      consumedAt.push(performance.now());
    },
  });
  const publisher = await userService('publisher');
  const kills: { what: string; node: NodeNumber; at: number; movedTo?: NodeNumber }[] = [];

  // The stream waits while an interruption runs: a kill returns at once, so publishing goes on through it.
  const killPublisherNode = async () => {
    const node = (await connectedNode(publisher.metrics)) as NodeNumber;
    kills.push({ what: "(a) the publisher's node", node, at: await kill(node) });
  };
  const reviveFirst = async () => {
    const [first] = kills;
    if (!first) return;
    first.movedTo = await movedNode(publisher.metrics, first.node);
    await revive(first.node); // two nodes down of three would leave no quorum
  };
  const killLeaderNode = async () => {
    const node = await queueLeader(vhost.name, 'matching.user_events');
    kills.push({ what: "(b) the consumer queue leader's node", node, at: await kill(node) });
  };

  await publishStream(
    async (seq) => {
      await publisher.publish.userCreated(userCreated(seq));
      confirmedAt.push(performance.now());
    },
    {
      total,
      inFlight: 100,
      interruptions: new Map([
        [2_500, killPublisherNode],
        [4_500, reviveFirst],
        [6_000, killLeaderNode],
      ]),
    },
  );

  await waitFor(() => counter.distinct === total, {
    timeoutMs: 120_000,
    what: `all ${total} messages to be consumed (${counter.distinct} so far)`,
  });
  const since = (times: number[], at: number) => Math.round((firstAfter(times, at) ?? Number.NaN) - at);
  for (const { what, node, at, movedTo } of kills) {
    console.log(
      `[cluster] ${what} c${node} killed${movedTo ? `, publisher moved to c${movedTo}` : ''}: next confirm after ${since(confirmedAt, at)} ms, next delivery after ${since(consumedAt, at)} ms`,
    );
  }
  console.log(counter.report('two node kills on a 3-node cluster', total).replace('[fault]', '[cluster]'));
  expect(counter.missing(total)).toEqual([]);
});

it("an RPC caller looping through the loss of its and the server's node: no call waits past its timeout, and calls succeed again once both moved", async () => {
  const timeoutMs = 2_000;
  const RETRY_PAUSE_MS = 100;
  const servedAt: number[] = [];
  const server = await userService('rpc-server', {
    userProfileGet: (request) => {
      servedAt.push(performance.now());
      return { user_id: request.user_id, username: 'ada', profile_data: {} };
    },
  });
  const caller = await matchingService(instanceIdStarting('rpc-caller', (node) => node === firstNodeOf('rpc-server')));
  const node = (await connectedNode(server.metrics)) as NodeNumber;
  expect(await connectedNode(caller.metrics)).toBe(node);

  const outcomes: { startedAt: number; tookMs: number; ok: boolean; error?: string }[] = [];
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const startedAt = performance.now();
      try {
        await caller.call.userProfileGet({ user_id: randomUUID() }, { timeoutMs });
        outcomes.push({ startedAt, tookMs: performance.now() - startedAt, ok: true });
      } catch (error) {
        outcomes.push({ startedAt, tookMs: performance.now() - startedAt, ok: false, error: (error as Error).name });
        // A caller's back-off. A call that fails at once (no server consumes the queue yet) would
        // otherwise loop on microtasks alone: no timer, not even the test's own deadline, would fire.
        await sleep(RETRY_PAUSE_MS);
      }
    }
  })();
  let killedAt = Number.NaN;
  let movedTo: NodeNumber | undefined;
  let callerMovedTo: NodeNumber | undefined;
  // Back for good: five calls in a row succeed.
  const recovered = () => {
    const after = outcomes.filter((outcome) => outcome.startedAt > killedAt);
    return after.length >= 5 && after.slice(-5).every((outcome) => outcome.ok);
  };
  try {
    await waitFor(() => outcomes.some((outcome) => outcome.ok), { timeoutMs: 10_000, what: 'a first successful call' });
    killedAt = await kill(node);
    movedTo = await movedNode(server.metrics, node);
    callerMovedTo = await movedNode(caller.metrics, node);
    await waitFor(recovered, { timeoutMs: 60_000, what: 'calls to succeed again' });
  } catch (error) {
    const since = outcomes.filter((outcome) => outcome.startedAt > killedAt);
    const errors = [...new Set(since.filter((outcome) => !outcome.ok).map((outcome) => outcome.error))].join(', ');
    throw new Error(
      `${(error as Error).message}; ${since.length} calls since the kill, ${since.filter((outcome) => outcome.ok).length} succeeded, failures: ${errors || 'none'}; the server handled ${servedAt.filter((at) => at > killedAt).length} requests since the kill; ` +
        `server on c${await connectedNode(server.metrics, 'publish')} (publish) and c${await connectedNode(server.metrics, 'consume')} (consume), ` +
        `caller on c${await connectedNode(caller.metrics, 'publish')} and c${await connectedNode(caller.metrics, 'consume')}; ` +
        `request queue: ${await describeQueue(vhost.name, 'user.profile.get')}`,
      { cause: error },
    );
  } finally {
    // The loop must end with the test, or it calls on through afterEach's close, at once and forever.
    stop = true;
    await loop;
  }

  const after = outcomes.filter((outcome) => outcome.startedAt > killedAt - timeoutMs);
  const firstOkAfterKill = outcomes.find((outcome) => outcome.ok && outcome.startedAt + outcome.tookMs > killedAt);
  const failures = after.filter((outcome) => !outcome.ok);
  console.log(
    `[cluster] RPC: node c${node} of caller and server killed, server moved to c${movedTo}, caller to c${callerMovedTo}; ` +
      `${failures.length} failed call(s) (${[...new Set(failures.map((failure) => failure.error))].join(', ') || 'none'}), ` +
      `longest call ${Math.round(Math.max(...outcomes.map((outcome) => outcome.tookMs)))} ms (timeout ${timeoutMs} ms), ` +
      `first success ${Math.round((firstOkAfterKill ? firstOkAfterKill.startedAt + firstOkAfterKill.tookMs : NaN) - killedAt)} ms after the kill`,
  );
  // "Waits past its timeout": the call's own timer plus what a busy 2-core machine adds to a timer (not a performance figure).
  expect(outcomes.filter((outcome) => outcome.tookMs > timeoutMs + 1_000)).toEqual([]);
  expect(movedTo).not.toBe(node);
});

it("messages waiting in a retry delay queue when its leader's node is killed come back and are handled", async () => {
  const total = 200;
  const failUpTo = 3; // attempt 3 fails into the 4000 ms delay queue: the messages wait there while its leader dies
  const failedAttempts = new Map<number, number>();
  const handled = new Set<number>();
  await matchingService('retrying', {
    userCreated: (event: UserCreated, context: ConsumeContext) => {
      const seq = seqOf(event);
      if (context.attempt <= failUpTo) {
        failedAttempts.set(seq, context.attempt);
        throw new Error(`attempt ${context.attempt} fails on purpose`);
      }
      handled.add(seq);
    },
  });
  const publisher = await userService('retry-publisher');
  await Promise.all(Array.from({ length: total }, (_, seq) => publisher.publish.userCreated(userCreated(seq))));

  const delayQueue = 'matching.user_events.retry.4000ms';
  await waitFor(
    () => failedAttempts.size === total && [...failedAttempts.values()].every((attempt) => attempt === failUpTo),
    {
      timeoutMs: 60_000,
      what: `all ${total} messages to be parked in ${delayQueue}`,
    },
  );
  const node = await queueLeader(vhost.name, delayQueue);
  const killedAt = await kill(node);
  await waitFor(() => handled.size === total, {
    timeoutMs: 90_000,
    what: `all ${total} messages to come back from ${delayQueue} (${handled.size} so far)`,
  });
  console.log(
    `[cluster] retry: leader of ${delayQueue} on c${node} killed with ${total} messages waiting; new leader c${await queueLeader(vhost.name, delayQueue)}; ` +
      `all handled ${Math.round(performance.now() - killedAt)} ms after the kill (their delay was 4000 ms)`,
  );
  expect(handled.size).toBe(total);
});

it('a Python peer declaring every consumer queue of the contract plainly shares them with us, before and after our services declared them', async () => {
  // Every consumer queue of the contract a Python service could share (per-instance queues are each process's own).
  const sharedQueues = [
    ...new Set(
      contractTopology.queues
        .filter((queue) => queue.role === 'consumer' && !queue.perInstance)
        .map((queue) => queue.name),
    ),
  ];
  expect(sharedQueues.length).toBeGreaterThan(0);
  const python = NODES.map((node) => vhost.url.split(',')[node - 1] as string);
  const declarePlainly = async (queue: string) => {
    const peer = startPython('consume', [python[0] as string, queue, 'matching.events', `probe.${queue}`, '0']);
    await peer.finished;
  };

  // A queue the Python peer creates first (plain, so of the vhost's default type), then ours.
  const fresh = await createTestVhost('cluster-python', CLUSTER);
  try {
    const freshUrl = fresh.url.split(',')[0] as string;
    await startPython('consume', [freshUrl, 'matching.user_events', 'user.events', 'user.created', '0']).finished;
    const bus = await started(
      connectMatching({ url: fresh.url, instanceId: 'after-python', logger: testLogger() }),
      handlersFor<MatchingServiceHandlers>(matchingServiceDefinition),
    );
    await bus.close();
  } finally {
    await fresh.dispose();
  }

  // Ours first (collaboration-service declares its queues and leaves), then the Python peer's plain declarations: no 406.
  const collaboration = await started(
    connectCollaboration({ url: vhost.url, instanceId: 'declares', logger: testLogger() }),
    handlersFor<CollaborationServiceHandlers>(collaborationServiceDefinition),
  );
  await collaboration.close();
  const received: UserCreated[] = [];
  const matching = await matchingService('beside-python', {
    userCreated: (event: UserCreated) => void received.push(event),
  });
  for (const queue of sharedQueues) await declarePlainly(queue);

  // The peer consumes what we publish, and we consume what it publishes.
  const pythonConsumer = startPython('consume', [
    python[1] as string,
    'collaboration.match_found',
    'matching.events',
    'match.found',
    '1',
  ]);
  await pythonConsumer.ready;
  const match: MatchFound = {
    event_type: 'match.found',
    version: 1,
    occurred_at: new Date().toISOString(),
    session_id: randomUUID(),
    question: { id: randomUUID(), difficulty: 'easy', topics: ['arrays'], title: 'Two Sum' },
    users: [{ user_id: randomUUID() }, { user_id: randomUUID() }],
  };
  await matching.publish.matchFound(match);
  const [delivered] = (await pythonConsumer.finished) as { session_id: string }[];
  expect(delivered?.session_id).toBe(match.session_id);

  const event = userCreated(1);
  await startPython('publish', [python[2] as string, 'user.events', 'user.created', JSON.stringify(event)]).finished;
  await waitFor(() => received.some((candidate) => candidate.user_id === event.user_id), {
    timeoutMs: 30_000,
    what: "our consumer to get the Python peer's event",
  });
});
