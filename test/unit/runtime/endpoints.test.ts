import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../runtime/config.js';
import { EndpointRotation, shuffledFor, type Endpoint } from '../../../runtime/endpoints.js';
import { ConfigError } from '../../../runtime/errors.js';

const SECRET = 'hunter2-Secret';
const NODES = [1, 2, 3].map((node) => `amqp://u:${SECRET}@rmq-${node}:5672/v`);

function configError(url: string | string[]): ConfigError {
  try {
    resolveConfig('svc', { url, instanceId: 'i' });
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('no ConfigError');
}

describe('a list of broker URLs', () => {
  it('takes the nodes comma-separated or as an array, each with its own host, masked password and heartbeat', () => {
    for (const url of [NODES.join(' , '), NODES]) {
      const config = resolveConfig('svc', { url, instanceId: 'i' });
      expect(config.endpoints.map((endpoint) => [endpoint.node, endpoint.displayUrl])).toEqual([
        ['rmq-1:5672', 'amqp://u:***@rmq-1:5672/v?heartbeat=15'],
        ['rmq-2:5672', 'amqp://u:***@rmq-2:5672/v?heartbeat=15'],
        ['rmq-3:5672', 'amqp://u:***@rmq-3:5672/v?heartbeat=15'],
      ]);
      expect(config.displayUrl).not.toContain(SECRET);
    }
  });

  it('names the position of a malformed entry, without its password', () => {
    const error = configError(`${NODES[0]},http://u:${SECRET}@rmq-2:15672,${NODES[2]}`);
    expect(error.message).toBe('the url option entry 2 of 3 must use amqp:// or amqps://, got http://');
    const unparsable = configError(`${NODES[0]},amqp://u:${SECRET}@bad host:5672`);
    expect(unparsable.message).toMatch(/^the url option entry 2 of 2 is not a URL/);
    expect(unparsable.message).not.toContain(SECRET);
  });

  it('refuses an empty entry (a stray comma, or an unencoded comma in a password)', () => {
    expect(configError(`${NODES[0]},`).message).toBe(
      'the url option entry 2 of 2 is empty (a stray comma, or a comma in a password: write it %2C)',
    );
    expect(configError([]).message).toBe('the url option names no broker');
  });

  it('shows no part of a password split by an unencoded comma, in either piece', () => {
    const head = 'Head9';
    const tail = 'Tail9';
    const splitPassword = `${head},${tail}`;
    for (const url of [
      `amqp://u:${splitPassword}@rmq-1:5672/v`,
      `amqp://u:${splitPassword}@rmq-1:5672/v,${NODES[1]}`,
    ]) {
      const error = configError(url);
      expect(error.message).toMatch(
        /^the url option entry 2 of \d is not a URL: it does not start with a scheme \(amqp:\/\/ or amqps:\/\/\)/,
      );
      expect(error.message).toContain('%2C');
      expect(error.message).not.toContain(head);
      expect(error.message).not.toContain(tail);
    }
  });

  it('says RABBITMQ_URL when the list comes from the environment', () => {
    const saved = process.env.RABBITMQ_URL;
    process.env.RABBITMQ_URL = `${NODES[0]},,${NODES[1]}`;
    try {
      expect(() => resolveConfig('svc', { instanceId: 'i' })).toThrow('RABBITMQ_URL entry 2 of 3 is empty');
    } finally {
      if (saved === undefined) delete process.env.RABBITMQ_URL;
      else process.env.RABBITMQ_URL = saved;
    }
  });
});

describe('the order an instance tries the nodes in', () => {
  const nodes = Array.from({ length: 3 }, (_, index) => index);

  it('is a permutation, the same for the same instance id', () => {
    expect(shuffledFor(nodes, 'matching-1')).toEqual(shuffledFor(nodes, 'matching-1'));
    expect([...shuffledFor(nodes, 'matching-1')].sort()).toEqual(nodes);
  });

  it('spreads instances over the nodes', () => {
    const firsts = new Set(Array.from({ length: 30 }, (_, index) => shuffledFor(nodes, `instance-${index}`)[0]));
    expect(firsts).toEqual(new Set(nodes));
  });
});

describe('EndpointRotation', () => {
  const endpoints: Endpoint[] = ['a:1', 'b:2', 'c:3'].map((node) => ({
    url: `amqp://${node}`,
    displayUrl: `amqp://${node}`,
    node,
    socketOptions: {},
  }));

  async function connectVia(rotation: EndpointRotation, down: Set<string>): Promise<string> {
    const { endpoint } = await rotation.connect(async (candidate) => {
      if (down.has(candidate.node)) throw new Error(`${candidate.node} refused`);
      return candidate.node;
    });
    rotation.markConnected(endpoint);
    return endpoint.node;
  }

  it('starts with the first node of its order and, after a loss, moves to the next one that answers', async () => {
    const registry = new Registry();
    const rotation = new EndpointRotation(endpoints, 'i', 'svc@i', registry);
    const [first, second, third] = rotation.all.map((endpoint) => endpoint.node);
    expect(await connectVia(rotation, new Set())).toBe(first);
    rotation.markLost();
    expect(await connectVia(rotation, new Set([second as string]))).toBe(third);
    expect(
      (await registry.getSingleMetricAsString('messaging_connected_node'))
        .split('\n')
        .filter((line) => !line.startsWith('#')),
    ).toEqual([`messaging_connected_node{connection="svc@i",node="${third}"} 1`]);
  });

  it("rejects with every node's reason when none answers", async () => {
    const rotation = new EndpointRotation(endpoints, 'i', 'svc@i', new Registry());
    await expect(connectVia(rotation, new Set(['a:1', 'b:2', 'c:3']))).rejects.toThrow(
      /^no broker node answered: .:\d \(.:\d refused\); .:\d \(.:\d refused\); .:\d \(.:\d refused\)$/,
    );
  });
});
