/**
 * The compatibility policy of docs/docs-and-contract-checks.md, end to end on the real broker:
 * receivers are tolerant readers, senders stay strict. A newer producer's event and a newer
 * server's reply carry an optional field the base contract does not declare (its schemas say
 * `additionalProperties: false`): the generated facades on the base contract accept both, and
 * still refuse to send such a payload themselves.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect, type ChannelModel } from 'amqplib';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../../generated/index.js';
import type { UserCreated } from '../../../generated/payloads.js';
import { ValidationError } from '../../../runtime/index.js';
import { createTestVhost, management, type TestVhost } from '../../support/broker.js';
import { handlersFor, started } from '../../support/handlers.js';

const definitions = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../generated/definitions.json'), 'utf8')) as unknown;
const logger = pino({ level: 'silent' });

let vhost: TestVhost;
/** Stands in for services built on a newer contract. */
let newer: ChannelModel;

beforeAll(async () => {
  vhost = await createTestVhost('tolerant-readers');
  await management('POST', `/definitions/${encodeURIComponent(vhost.name)}`, definitions);
  newer = await connect(vhost.url);
});

afterAll(async () => {
  await newer?.close();
  await vhost?.dispose();
});

const created: UserCreated = {
  user_id: '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01',
  username: 'ada',
  email: 'ada@example.com',
  timestamp: '2026-11-29T10:15:00.000Z',
};

describe('tolerant readers, strict senders', () => {
  it('a consumer on the base contract handles an event carrying a field it does not know', async () => {
    let handled: (event: UserCreated) => void = () => undefined;
    const received = new Promise<UserCreated>((resolve) => (handled = resolve));
    const matching = await started(generated.matchingService.connect({
      url: vhost.url,
      logger,
    }), handlersFor<generated.matchingService.MatchingServiceHandlers>(generated.matchingService.matchingServiceDefinition, { userCreated: (event) => handled(event) }));
    try {
      const channel = await newer.createConfirmChannel();
      const event = { ...created, display_name: 'Ada Lovelace' };
      channel.publish('user.events', 'user.created', Buffer.from(JSON.stringify(event)), { contentType: 'application/json', persistent: true, messageId: 'newer-1', mandatory: true });
      await channel.waitForConfirms();
      expect(await received).toEqual(event);
    } finally {
      await matching.close();
    }
  });

  it('a caller on the base contract accepts a reply carrying a field it does not know', async () => {
    const server = await newer.createChannel();
    const { consumerTag } = await server.consume('user.profile.get', (request) => {
      if (request === null) return;
      const { user_id } = JSON.parse(request.content.toString()) as { user_id: string };
      const reply = { user_id, username: 'ada', profile_data: {}, nickname: 'countess' };
      server.sendToQueue(request.properties.replyTo as string, Buffer.from(JSON.stringify(reply)), {
        correlationId: request.properties.correlationId as string,
        contentType: 'application/json',
      });
      server.ack(request);
    });
    const matching = await started(generated.matchingService.connect({
      url: vhost.url,
      logger,
    }), handlersFor<generated.matchingService.MatchingServiceHandlers>(generated.matchingService.matchingServiceDefinition));
    try {
      expect(await matching.call.userProfileGet({ user_id: created.user_id })).toEqual({ user_id: created.user_id, username: 'ada', profile_data: {}, nickname: 'countess' });
    } finally {
      await matching.close();
      await server.cancel(consumerTag);
    }
  });

  it('a producer still may not send a field its contract does not declare', async () => {
    const user = await started(generated.userService.connect({
      url: vhost.url,
      logger,
    }), handlersFor<generated.userService.UserServiceHandlers>(generated.userService.userServiceDefinition));
    try {
      const sent = user.publish.userCreated({ ...created, display_name: 'Ada' } as UserCreated);
      await expect(sent).rejects.toBeInstanceOf(ValidationError);
    } finally {
      await user.close();
    }
  });
});
