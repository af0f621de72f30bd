import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { createTestVhost, type TestVhost } from '../../support/broker.js';
import { OVERFLOWING_DEPTH, OVERFLOW_REASON, publishWithNestedHeader } from '../../support/deep-header.js';
import {
  connectService,
  NoRpcServerError,
  RpcRemoteError,
  RpcTimeoutError,
  ValidationError,
  type RpcSpec,
  type ServiceConnection,
} from '../../../runtime/index.js';
import {
  RPC_QUEUE,
  deferred,
  pricingClientDefinition,
  pricingServerDefinition,
  quoteRpc,
  testLogger,
  validator,
} from './_fixtures.js';

const PYTHON_SERVER_QUEUE = 'py.quote';
const IDLE_QUEUE = 'idle.quote';
/** A hostile server: its replies carry a header table nested too deep for amqplib to decode. */
const DEEP_HEADER_SERVER_QUEUE = 'deep.quote';

let vhost: TestVhost;
let server: ServiceConnection;
let client: ServiceConnection;
let raw: ChannelModel;
let rawChannel: Channel;
const releaseSlow = deferred();

function clientFor(rpc: Partial<RpcSpec>): Promise<ServiceConnection> {
  return connectService(
    pricingClientDefinition({ ...quoteRpc, ...rpc }),
    { consumers: {}, rpcServers: {} },
    { url: vhost.url, logger: testLogger() },
  );
}

const unknownSku = (sku: string) => Object.assign(new Error(`no price for ${sku}`), { code: 'unknown_sku' });
const priced = (sku: string) => ({ sku, price: sku.length });

/** Answers synchronously, except `slow` and `broken-later`: the server's synchronous and promise paths both run. */
function quote(request: { sku: string }): unknown {
  if (request.sku === 'slow') return releaseSlow.promise.then(() => priced(request.sku));
  if (request.sku === 'broken-later') return Promise.reject(unknownSku(request.sku));
  if (request.sku === 'broken') throw unknownSku(request.sku);
  if (request.sku === 'bad-reply') return { sku: request.sku };
  if (request.sku === 'unreadable-reply') {
    return {
      sku: request.sku,
      get price(): number {
        throw unknownSku(request.sku);
      },
    };
  }
  return priced(request.sku);
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-rpc');
  server = await connectService(
    pricingServerDefinition(),
    { consumers: {}, rpcServers: { quotePrice: quote as never } },
    { url: vhost.url, logger: testLogger() },
  );
  client = await clientFor({});
  raw = await connect(vhost.url);
  rawChannel = await raw.createChannel();
  // A server written like the Python client's `setup_rpc_server`, answering every call with an error dict.
  await rawChannel.assertQueue(PYTHON_SERVER_QUEUE, { durable: true });
  await rawChannel.consume(PYTHON_SERVER_QUEUE, (message) => {
    if (!message) return;
    rawChannel.sendToQueue(message.properties.replyTo, Buffer.from('{"error": "User not found"}'), {
      correlationId: message.properties.correlationId,
      contentType: 'application/json',
    });
    rawChannel.ack(message);
  });
  await rawChannel.assertQueue(IDLE_QUEUE, { durable: true });
  const deepReplies = await raw.createConfirmChannel();
  await deepReplies.assertQueue(DEEP_HEADER_SERVER_QUEUE, { durable: true });
  await deepReplies.consume(DEEP_HEADER_SERVER_QUEUE, (message) => {
    if (!message) return;
    const reply = {
      exchange: '',
      routingKey: message.properties.replyTo as string,
      content: Buffer.from('{"sku": "deep", "price": 1}'),
      options: { correlationId: message.properties.correlationId as string, contentType: 'application/json' },
    };
    void publishWithNestedHeader(raw, deepReplies, reply, 'x-peer-nesting', OVERFLOWING_DEPTH).then(() =>
      deepReplies.ack(message),
    );
  });
});

afterAll(async () => {
  releaseSlow.resolve();
  await client?.close();
  await server?.close();
  await raw?.close();
  await vhost?.dispose();
});

describe('RPC', () => {
  it('returns the validated reply', async () => {
    await expect(client.call('quotePrice', { sku: 'abc' })).resolves.toEqual({ sku: 'abc', price: 3 });
  });

  it('correlates 50 concurrent calls', async () => {
    const skus = Array.from({ length: 50 }, (_, i) => `sku-${'x'.repeat(i)}`);
    const replies = await Promise.all(skus.map((sku) => client.call('quotePrice', { sku })));
    expect(replies).toEqual(skus.map((sku) => ({ sku, price: sku.length })));
  });

  it('times out with RpcTimeoutError naming the RPC', async () => {
    const error = await client.call('quotePrice', { sku: 'slow' }, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcTimeoutError);
    expect((error as RpcTimeoutError).rpc).toBe('quotePrice');
  });

  it('fails with NoRpcServerError when the RPC queue does not exist', async () => {
    const lonely = await clientFor({ queue: 'nobody.home' });
    try {
      const error = await lonely.call('quotePrice', { sku: 'a' }, { timeoutMs: 30_000 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoRpcServerError);
      expect((error as Error).message).toMatch(/nobody\.home/);
    } finally {
      await lonely.close();
    }
  });

  it('fails with NoRpcServerError when nobody consumes the RPC queue', async () => {
    const idle = await clientFor({ queue: IDLE_QUEUE });
    try {
      await expect(idle.call('quotePrice', { sku: 'a' }, { timeoutMs: 30_000 })).rejects.toBeInstanceOf(
        NoRpcServerError,
      );
    } finally {
      await idle.close();
    }
  });

  it('turns a handler error, thrown or rejected, into RpcRemoteError with its code and message', async () => {
    for (const sku of ['broken', 'broken-later']) {
      const error = await client.call('quotePrice', { sku }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcRemoteError);
      expect(error).toMatchObject({
        rpc: 'quotePrice',
        remoteCode: 'unknown_sku',
        remoteMessage: `no price for ${sku}`,
      });
    }
  });

  it('answers with the error when reading the reply throws, and keeps serving', async () => {
    await expect(client.call('quotePrice', { sku: 'unreadable-reply' })).rejects.toMatchObject({
      remoteCode: 'unknown_sku',
      remoteMessage: 'no price for unreadable-reply',
    });
    await expect(client.call('quotePrice', { sku: 'after' })).resolves.toEqual({ sku: 'after', price: 5 });
  });

  it('reports a server reply that breaks its schema as invalid_reply', async () => {
    await expect(client.call('quotePrice', { sku: 'bad-reply' })).rejects.toMatchObject({
      remoteCode: 'invalid_reply',
    });
  });

  it('validates the request before sending it', async () => {
    const error = await client.call('quotePrice', { sku: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations[0]!.instancePath).toBe('/sku');
  });

  it('answers an invalid request with an invalid_request error reply, and keeps serving', async () => {
    const careless = await clientFor({ validateRequest: validator({}) });
    try {
      const error = await careless.call('quotePrice', { sku: 42 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RpcRemoteError);
      expect(error).toMatchObject({ remoteCode: 'invalid_request' });
      expect((error as Error).message).toMatch(/\/sku must be string/);
      await expect(careless.call('quotePrice', { sku: 'ok' })).resolves.toEqual({ sku: 'ok', price: 2 });
    } finally {
      await careless.close();
    }
  });

  it('answers a request whose header table nests too deep to decode with an invalid_request error reply, and keeps serving', async () => {
    const deepRequests = await raw.createConfirmChannel();
    const { replyQueue, reply } = await ownReplyQueue();
    const request = {
      exchange: '',
      routingKey: RPC_QUEUE,
      content: Buffer.from('{"sku": "deep"}'),
      options: { correlationId: 'deep-call', replyTo: replyQueue, contentType: 'application/json' },
    };
    await publishWithNestedHeader(raw, deepRequests, request, 'x-peer-nesting', OVERFLOWING_DEPTH);
    await expect(reply).resolves.toEqual({
      correlationId: 'deep-call',
      body: { error: OVERFLOW_REASON, error_code: 'invalid_request' },
    });
    await expect(client.call('quotePrice', { sku: 'after-deep' })).resolves.toEqual({ sku: 'after-deep', price: 10 });
  });

  it('fails a call whose reply has a header table nested too deep to decode, and the caller calls on', async () => {
    const caller = await clientFor({ queue: DEEP_HEADER_SERVER_QUEUE });
    try {
      await expect(caller.call('quotePrice', { sku: 'a' })).rejects.toMatchObject({
        remoteCode: 'malformed_reply',
        remoteMessage: OVERFLOW_REASON,
      });
      await expect(caller.call('quotePrice', { sku: 'b' })).rejects.toMatchObject({
        remoteCode: 'malformed_reply',
        remoteMessage: OVERFLOW_REASON,
      });
    } finally {
      await caller.close();
    }
  });

  it('maps a Python server error reply {"error": ...} to RpcRemoteError', async () => {
    const caller = await clientFor({ queue: PYTHON_SERVER_QUEUE });
    try {
      await expect(caller.call('quotePrice', { sku: 'a' })).rejects.toMatchObject({
        remoteCode: 'remote_error',
        remoteMessage: 'User not found',
      });
    } finally {
      await caller.close();
    }
  });

  it('answers a Python-style caller that uses its own exclusive reply queue', async () => {
    const { replyQueue, reply } = await ownReplyQueue();
    rawChannel.sendToQueue(RPC_QUEUE, Buffer.from('{"sku": "python"}'), {
      correlationId: 'py-call-1',
      replyTo: replyQueue,
      contentType: 'application/json',
    });
    await expect(reply).resolves.toEqual({ correlationId: 'py-call-1', body: { sku: 'python', price: 6 } });
  });
});

/** A Python-style caller's own exclusive reply queue, and the first reply that arrives on it. */
async function ownReplyQueue(): Promise<{
  replyQueue: string;
  reply: Promise<{ correlationId: unknown; body: unknown }>;
}> {
  const { queue: replyQueue } = await rawChannel.assertQueue('', { exclusive: true, autoDelete: true });
  const reply = deferred<{ correlationId: unknown; body: unknown }>();
  await rawChannel.consume(
    replyQueue,
    (message) =>
      message &&
      reply.resolve({
        correlationId: message.properties.correlationId,
        body: JSON.parse(message.content.toString()),
      }),
    { noAck: true },
  );
  return { replyQueue, reply: reply.promise };
}
