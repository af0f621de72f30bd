/**
 * A managed channel that does not become usable is closed, not leaked: neither when its setup
 * fails nor when the slot is closed while the channel is being set up. Counted on the broker.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { connectionChannels, createTestVhost, type TestVhost } from '../../support/broker.js';
import { testLogger } from '../../support/definitions.js';
import { ConnectionClosedError } from '../../../runtime/index.js';
import { ManagedChannel } from '../../../runtime/managed-channel.js';
import type { ConnectionManager } from '../../../runtime/connection.js';
import { deferred } from './_fixtures.js';

let vhost: TestVhost;
let model: ChannelModel;

/** Channels open on the test's one connection. */
async function openChannels(): Promise<number[]> {
  return (await connectionChannels(vhost)).map((connection) => connection.channels);
}

function managedChannel(setup: (channel: Channel) => Promise<void>): ManagedChannel<Channel> {
  // The connection manager is asked only when a usable channel is lost, which these tests never have.
  return new ManagedChannel(
    { name: 'test', open: (m) => m.createChannel(), setup },
    undefined as unknown as ConnectionManager,
    testLogger(),
    10,
  );
}

beforeAll(async () => {
  vhost = await createTestVhost('runtime-managed-channel');
  model = await connect(vhost.url);
});

afterAll(async () => {
  await model?.close();
  await vhost?.dispose();
});

it('closes the channel of every setup that fails', async () => {
  const before = await openChannels();
  const failing = managedChannel(async () => {
    throw new Error('setup failed');
  });
  for (let attempt = 0; attempt < 5; attempt++) await expect(failing.attach(model)).rejects.toThrow('setup failed');
  expect(failing.channel).toBeUndefined();
  expect(await openChannels()).toEqual(before);
});

it('leaves no channel when closed while a channel is being set up', async () => {
  const before = await openChannels();
  const setupStarted = deferred();
  const finishSetup = deferred();
  const slow = managedChannel(async () => {
    setupStarted.resolve();
    await finishSetup.promise;
  });
  const attaching = slow.attach(model);
  await setupStarted.promise;
  await slow.close();
  finishSetup.resolve();
  await expect(attaching).rejects.toBeInstanceOf(ConnectionClosedError);
  expect(slow.channel).toBeUndefined();
  expect(await openChannels()).toEqual(before);
});
