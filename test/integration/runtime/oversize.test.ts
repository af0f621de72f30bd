/**
 * Messages too large to send or to accept. One that cannot be sent (a header table amqplib cannot
 * encode, a body over `maxMessageBytes`) fails at once and alone, with a typed error: the sends
 * around it are confirmed. One that a peer managed to deliver (a header table up to the broker's
 * frame_max, a body over `maxMessageBytes`) is dead-lettered, its headers trimmed if they would not
 * encode, and the service's publishing goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import {
  createTestVhost,
  getMessages,
  queueState,
  waitFor,
  type BrokerMessage,
  type TestVhost,
} from '../../support/broker.js';
import { runPython } from '../../interop/python-peer.js';
import { whileRewriting } from '../../support/wire-tamper.js';
import {
  MessageEncodeError,
  MessageTooLargeError,
  RpcRemoteError,
  connectService,
  type ConsumeContext,
  type ServiceConnection,
} from '../../../runtime/index.js';
import {
  DEAD_LETTER_QUEUE,
  EXCHANGE,
  RPC_QUEUE,
  ordersDefinition,
  pricingServerDefinition,
  quoteRpc,
  testLogger,
  type OrderPlaced,
} from './_fixtures.js';

/** Small, so that too-large bodies are cheap to make. */
const MAX_MESSAGE_BYTES = 100_000;
/** What the contract says for the consumer of `order.{order_id}.placed` (x-queue maxMessageBytes): it wins over the runtime's. */
const CONTRACT_MAX_MESSAGE_BYTES = 50_000;
/** What amqplib can encode as a header table. */
const HEADER_TABLE_LIMIT = 65_536;
/** RabbitMQ's default frame_max: the largest frame, a message's header frame included, a peer may send. */
const FRAME_MAX = 131_072;
/** Short, so that a stalled publisher shows as a timeout well within the test's time. */
const PUBLISH_TIMEOUT_MS = 5_000;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let vhost: TestVhost;
let orders: ServiceConnection;
let pricing: ServiceConnection;
let raw: ChannelModel;
let rawChannel: ConfirmChannel;
const handled: string[] = [];
let retriedHeaders: Record<string, unknown> | undefined;

async function deadLetters(count: number): Promise<BrokerMessage[]> {
  await waitFor(async () => (await queueState(vhost.name, DEAD_LETTER_QUEUE)).messages >= count, {
    timeoutMs: 15_000,
    what: `${count} dead letter(s)`,
  });
  return getMessages(vhost.name, DEAD_LETTER_QUEUE, count);
}

async function publishAndConsume(orderId: string): Promise<void> {
  await orders.publish('orderPlaced', { order_id: orderId }, { order_id: orderId, amount: 1 });
  await waitFor(() => handled.includes(orderId), { timeoutMs: 10_000, what: `order ${orderId} to be handled` });
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-oversize');
  const options = {
    url: vhost.url,
    logger: testLogger(),
    maxMessageBytes: MAX_MESSAGE_BYTES,
    publishTimeoutMs: PUBLISH_TIMEOUT_MS,
  };
  pricing = await connectService(
    pricingServerDefinition(),
    {
      consumers: {},
      rpcServers: {
        quotePrice: ((request: { sku: string }) => ({
          sku: request.sku === 'huge' ? 'x'.repeat(MAX_MESSAGE_BYTES) : request.sku,
          price: 1,
        })) as never,
      },
    },
    options,
  );
  const onOrder = (payload: OrderPlaced, context: ConsumeContext): void => {
    if (payload.order_id === 'retried' && context.attempt === 1) throw new Error('first attempt fails');
    if (payload.order_id === 'retried') retriedHeaders = context.headers;
    handled.push(payload.order_id);
  };
  const definition = ordersDefinition();
  const consumers = definition.consumers.map((spec) =>
    spec.name === 'onOrderPlaced' ? { ...spec, maxMessageBytes: CONTRACT_MAX_MESSAGE_BYTES } : spec,
  );
  orders = await connectService(
    { ...definition, consumers, rpcClients: [quoteRpc] },
    { consumers: { onOrderPlaced: onOrder as never, onOrderCancelled: onOrder as never }, rpcServers: {} },
    options,
  );
  raw = await connect(vhost.url);
  rawChannel = await raw.createConfirmChannel();
});

afterAll(async () => {
  await orders?.close();
  await pricing?.close();
  await raw?.close();
  await vhost?.dispose();
});

describe('a publish that cannot be sent', () => {
  it('fails at once with MessageTooLargeError when its headers would not encode, and the publishes around it are confirmed', async () => {
    const big = 'b'.repeat(HEADER_TABLE_LIMIT);
    const outcomes = await Promise.allSettled([
      orders.publish('orderPlaced', { order_id: 'before' }, { order_id: 'before', amount: 1 }),
      orders.publish('orderPlaced', { order_id: 'too-big' }, { order_id: 'too-big', amount: 1 }, { headers: { big } }),
      orders.publish('orderPlaced', { order_id: 'after' }, { order_id: 'after', amount: 1 }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const error = (outcomes[1] as PromiseRejectedResult).reason as MessageTooLargeError;
    expect(error).toBeInstanceOf(MessageTooLargeError);
    expect(error).toMatchObject({ code: 'message_too_large', part: 'headers', limitBytes: HEADER_TABLE_LIMIT });
    expect(error.bytes).toBeGreaterThan(HEADER_TABLE_LIMIT);
    expect(error.message).toContain(`${error.bytes - HEADER_TABLE_LIMIT} over the limit of ${HEADER_TABLE_LIMIT}`);
    await publishAndConsume('later');
    expect(handled).toEqual(expect.arrayContaining(['before', 'after', 'later']));
    expect(handled).not.toContain('too-big');
  });

  it('leaves confirms and returns matched to their sends after a failed encode', async () => {
    const outcomes = await Promise.allSettled([
      orders.publish(
        'orderPlaced',
        { order_id: 'too-big-2' },
        { order_id: 'too-big-2', amount: 1 },
        { headers: { big: 'b'.repeat(HEADER_TABLE_LIMIT) } },
      ),
      orders.publish('orderShipped', {}, { order_id: 'nobody-listens', amount: 1 }),
      orders.publish('orderPlaced', { order_id: 'routed' }, { order_id: 'routed', amount: 1 }),
      orders.publish(
        'orderPlaced',
        { order_id: 'too-big-3' },
        { order_id: 'too-big-3', amount: 1 },
        { headers: { big: 'b'.repeat(HEADER_TABLE_LIMIT) } },
      ),
      orders.publish('orderShipped', {}, { order_id: 'nobody-listens', amount: 2 }),
    ]);
    expect(
      outcomes.map((outcome) =>
        outcome.status === 'fulfilled' ? 'confirmed' : (outcome.reason as { code: string }).code,
      ),
    ).toEqual(['message_too_large', 'unroutable', 'confirmed', 'message_too_large', 'unroutable']);
  });

  it('fails with MessageEncodeError for a property AMQP cannot carry, alone', async () => {
    const outcome = orders.publish(
      'orderPlaced',
      { order_id: 'long-id' },
      { order_id: 'long-id', amount: 1 },
      { messageId: 'm'.repeat(300) },
    );
    await expect(outcome).rejects.toBeInstanceOf(MessageEncodeError);
    await expect(outcome).rejects.toThrow(/messageId/);
    await publishAndConsume('after-long-id');
  });

  it('fails with MessageTooLargeError for a body over maxMessageBytes, nothing sent', async () => {
    const outcome = orders.publish(
      'orderPlaced',
      { order_id: 'huge-body' },
      { order_id: 'huge-body', amount: 1, note: 'n'.repeat(MAX_MESSAGE_BYTES) },
    );
    await expect(outcome).rejects.toMatchObject({
      code: 'message_too_large',
      part: 'body',
      limitBytes: MAX_MESSAGE_BYTES,
    });
    await publishAndConsume('after-huge-body');
    expect(handled).not.toContain('huge-body');
  });
});

describe('an RPC too large to send', () => {
  it('fails the call alone with MessageTooLargeError: request headers that would not encode, or a request body over the limit', async () => {
    await expect(
      orders.call('quotePrice', { sku: 'a' }, { headers: { big: 'b'.repeat(HEADER_TABLE_LIMIT) } }),
    ).rejects.toMatchObject({ code: 'message_too_large', part: 'headers' });
    await expect(orders.call('quotePrice', { sku: 's'.repeat(MAX_MESSAGE_BYTES) })).rejects.toMatchObject({
      code: 'message_too_large',
      part: 'body',
    });
    await expect(orders.call('quotePrice', { sku: 'next' })).resolves.toEqual({ sku: 'next', price: 1 });
  });

  it('answers a reply too large to send with a typed error reply, and the server goes on serving', async () => {
    const failed = orders.call('quotePrice', { sku: 'huge' });
    await expect(failed).rejects.toBeInstanceOf(RpcRemoteError);
    await expect(failed).rejects.toMatchObject({ remoteCode: 'message_too_large' });
    await expect(orders.call('quotePrice', { sku: 'next' })).resolves.toEqual({ sku: 'next', price: 1 });
  });
});

describe('an RPC request too large to accept', () => {
  it('is answered unparsed with a message_too_large error reply', async () => {
    const { queue: replyQueue } = await rawChannel.assertQueue('', { exclusive: true });
    const reply = new Promise<ConsumeMessage>(
      (resolve) => void rawChannel.consume(replyQueue, (message) => message && resolve(message), { noAck: true }),
    );
    const request = Buffer.from(JSON.stringify({ sku: 's'.repeat(MAX_MESSAGE_BYTES) }));
    rawChannel.sendToQueue(RPC_QUEUE, request, { replyTo: replyQueue, correlationId: 'too-large-request' });

    const answer = await reply;
    expect(answer.properties).toMatchObject({ correlationId: 'too-large-request', headers: { 'x-rpc-error': true } });
    expect(JSON.parse(answer.content.toString())).toEqual({
      error: `RPC quotePrice request: the message's body is ${request.length} bytes, ${request.length - MAX_MESSAGE_BYTES} over the limit of ${MAX_MESSAGE_BYTES}`,
      error_code: 'message_too_large',
    });
  });
});

describe('a delivered message too large to republish or to accept', () => {
  it("dead-letters a non-JSON message whose header table fills what amqplib can encode, the peer's largest header trimmed, and publishing goes on", async () => {
    // The peer's table is just under amqplib's limit; the dead-letter headers we add push it over.
    const blob = 'p'.repeat(HEADER_TABLE_LIMIT - 200);
    rawChannel.publish(EXCHANGE, 'order.cancelled', Buffer.from('not json'), {
      messageId: 'poison-64k',
      headers: { 'peer-blob': blob, 'peer-small': 'kept', traceparent: TRACEPARENT },
    });

    const [dead] = await deadLetters(1);
    expect(dead?.body).toBe('not json');
    expect(dead?.properties.message_id).toBe('poison-64k');
    expect(dead?.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'malformed_json',
      'x-trimmed-headers': `peer-blob (${Buffer.byteLength('peer-blob') + 1 + 1 + 4 + blob.length} bytes)`,
      'peer-small': 'kept',
      traceparent: TRACEPARENT,
      'x-original-exchange': EXCHANGE,
      'x-original-routing-key': 'order.cancelled',
    });
    expect(dead?.properties.headers).not.toHaveProperty('peer-blob');
    await publishAndConsume('after-64k-poison');
  });

  it("dead-letters a Python peer's message with a header table as large as the broker's frame_max allows", async () => {
    // The header frame holds 8 bytes of framing, 14 of class, weight, size and flags, and the table: a few hundred bytes to spare.
    const sizes = { 'peer-a': 80_000, 'peer-b': 30_000, 'peer-c': 20_900 };
    const entries = Object.entries(sizes).map(([name, bytes]) => `${name}=${bytes}`);
    await runPython('publish_headers', [vhost.url, EXCHANGE, 'order.cancelled', 'still not json', ...entries]);
    const tableBytes =
      4 + Object.entries(sizes).reduce((sum, [name, bytes]) => sum + 1 + name.length + 1 + 4 + bytes, 0);
    expect(tableBytes).toBeGreaterThan(FRAME_MAX - 200);
    expect(tableBytes).toBeLessThan(FRAME_MAX);

    const [dead] = await deadLetters(1);
    expect(dead?.body).toBe('still not json');
    const headers = dead?.properties.headers ?? {};
    expect(headers['x-dead-letter-reason']).toBe('malformed_json');
    // The largest goes first, and the rest fits.
    expect(headers['x-trimmed-headers']).toBe('peer-a (80012 bytes)');
    expect(headers['peer-b']).toHaveLength(30_000);
    expect(headers['peer-c']).toHaveLength(20_900);
    await publishAndConsume('after-frame-max-poison');
  });

  it("retries a message whose header table is too large to copy as it is, the peer's largest header trimmed", async () => {
    // As large as amqplib lets the peer send: the few retry headers we add push it over.
    const blob = 'p'.repeat(HEADER_TABLE_LIMIT - 86);
    rawChannel.publish(
      EXCHANGE,
      'order.retried.placed',
      Buffer.from(JSON.stringify({ order_id: 'retried', amount: 1 })),
      { messageId: 'retried', headers: { 'peer-blob': blob, 'peer-small': 'kept' } },
    );

    await waitFor(() => handled.includes('retried'), { timeoutMs: 10_000, what: 'the retried attempt' });
    expect(retriedHeaders).toMatchObject({
      'x-attempt': 2,
      'x-last-error': 'first attempt fails',
      'x-trimmed-headers': `peer-blob (${1 + 'peer-blob'.length + 1 + 4 + blob.length} bytes)`,
      'peer-small': 'kept',
    });
    expect(retriedHeaders).not.toHaveProperty('peer-blob');
  });

  it('dead-letters a message whose headers amqplib decodes but cannot encode again, those headers dropped and named, and consuming goes on', async () => {
    // amqplib reads a nested table with a "!" key as its typed-value notation when it writes it again,
    // and a timestamp past 2^53 comes back as a rounded number past 2^64 - 1.
    rawChannel.publish(EXCHANGE, 'order.cancelled', Buffer.from('not json either'), {
      messageId: 'unencodable',
      headers: {
        'peer-table': { '!': 'object', value: { '!': 'bogus', value: 1 } },
        'peer-stamp': { '!': 'timestamp', value: 2n ** 64n - 1n },
        'peer-small': 'kept',
      },
    });

    const [dead] = await deadLetters(1);
    expect(dead?.properties.message_id).toBe('unencodable');
    const headers = dead?.properties.headers ?? {};
    expect(headers).toMatchObject({
      'x-dead-letter-reason': 'malformed_json',
      'peer-small': 'kept',
      'x-original-routing-key': 'order.cancelled',
    });
    expect(headers).not.toHaveProperty('peer-table');
    expect(headers).not.toHaveProperty('peer-stamp');
    expect(headers['x-trimmed-headers']).toMatch(/peer-table \(cannot be encoded: .*bogus.*\)/);
    expect(headers['x-trimmed-headers']).toMatch(/peer-stamp \(cannot be encoded: .*\)/);
    await publishAndConsume('after-unencodable-headers');
  });

  it('dead-letters a message whose message_id is invalid UTF-8 (too long to send again once decoded), with a new id, the old one named', async () => {
    // The broker takes any bytes in a short string; amqplib decodes each invalid byte as U+FFFD (three bytes).
    const marker = 'M'.repeat(200);
    const bytes = Buffer.from(marker);
    const toInvalidUtf8 = (chunk: Buffer): void => {
      for (let at = chunk.indexOf(bytes); at >= 0; at = chunk.indexOf(bytes, at))
        chunk.fill(0xff, at, at + bytes.length);
    };
    await whileRewriting(raw, toInvalidUtf8, async () => {
      rawChannel.publish(EXCHANGE, 'order.cancelled', Buffer.from('not json, odd id'), {
        messageId: marker,
        correlationId: 'odd-id',
      });
      await rawChannel.waitForConfirms();
    });

    const [dead] = await deadLetters(1);
    expect(dead?.body).toBe('not json, odd id');
    expect(dead?.properties.correlation_id).toBe('odd-id');
    expect(dead?.properties.message_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(dead?.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'malformed_json',
      'x-trimmed-headers': 'messageId (cannot be encoded: 600 bytes, a short string holds 255)',
    });
    await publishAndConsume('after-odd-message-id');
  });

  it('dead-letters a body over maxMessageBytes unparsed, as too_large', async () => {
    const body = Buffer.from(JSON.stringify({ order_id: 'too-large', amount: 1, pad: 'x'.repeat(MAX_MESSAGE_BYTES) }));
    rawChannel.publish(EXCHANGE, 'order.cancelled', body, { messageId: 'too-large' });

    const [dead] = await deadLetters(1);
    expect(dead?.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'too_large',
      'x-error': `body is ${body.length} bytes, over the limit of ${MAX_MESSAGE_BYTES}`,
    });
    expect(dead?.body).toBe(body.toString());
    expect(handled).not.toContain('too-large');
  });

  it("applies the contract's limit for a consumer, below the runtime's", async () => {
    const body = Buffer.from(
      JSON.stringify({ order_id: 'over-contract', amount: 1, pad: 'x'.repeat(CONTRACT_MAX_MESSAGE_BYTES) }),
    );
    expect(body.length).toBeLessThan(MAX_MESSAGE_BYTES);
    rawChannel.publish(EXCHANGE, 'order.over-contract.placed', body, { messageId: 'over-contract' });

    const [dead] = await deadLetters(1);
    expect(dead?.properties.headers).toMatchObject({
      'x-dead-letter-reason': 'too_large',
      'x-error': `body is ${body.length} bytes, over the limit of ${CONTRACT_MAX_MESSAGE_BYTES}`,
    });
    expect(handled).not.toContain('over-contract');
  });
});
