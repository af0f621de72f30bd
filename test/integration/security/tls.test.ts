/**
 * TLS against the real broker: a TLS listener with a CA and certificates made at test time; the
 * runtime connects over amqps with CA, client certificate and key from the RABBITMQ_*_FILE
 * variables, publishes and consumes; a client that does not trust the broker's CA, or has no
 * certificate for a broker that verifies clients, is refused at once with a typed error naming the
 * (masked) URL and the reason.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../../generated/index.js';
import type { CodeUpdated } from '../../../generated/payloads.js';
import { TlsVerificationError } from '../../../runtime/index.js';
import { createTestVhost, waitFor, type TestVhost } from '../../support/broker.js';
import { handlersFor, started } from '../../support/handlers.js';
import { peerPrepModel } from '../../fixtures/model.js';
import { isListening, readPem, startTlsListener, type TlsListener } from './tls-listener.js';

const logger = pino({ level: 'silent' });
let listener: TlsListener;
let vhost: TestVhost;

beforeAll(async () => {
  vhost = await createTestVhost('security-tls');
  listener = await startTlsListener();
});

afterAll(async () => {
  const port = listener?.port;
  await listener?.stop();
  await vhost?.dispose();
  if (port !== undefined) expect(await isListening(port)).toBe(false);
});

const codeUpdated = peerPrepModel.messages.find((message) => message.name === 'CodeUpdated')?.examples[0]
  ?.payload as CodeUpdated;

describe('amqps', () => {
  it('connects with CA, client certificate and key from the environment, then publishes and consumes', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      RABBITMQ_CA_FILE: listener.client.ca,
      RABBITMQ_CERT_FILE: listener.client.cert,
      RABBITMQ_KEY_FILE: listener.client.key,
    });
    const received: CodeUpdated[] = [];
    try {
      const bus = await started(
        generated.collaborationService.connect({
          url: listener.urlFor(vhost.url),
          logger,
        }),
        handlersFor<generated.collaborationService.CollaborationServiceHandlers>(
          generated.collaborationService.collaborationServiceDefinition,
          { codeUpdated: (event) => void received.push(event) },
        ),
      );
      try {
        await bus.subscribe.codeUpdated({ session_id: codeUpdated.session_id });
        await bus.publish.codeUpdated(codeUpdated, { session_id: codeUpdated.session_id });
        await waitFor(() => received.length === 1, { timeoutMs: 5_000, what: 'the edit to come back over TLS' });
        expect(received).toEqual([codeUpdated]);
      } finally {
        await bus.close();
      }
    } finally {
      process.env = saved;
    }
  });

  it('refuses a broker whose certificate the client cannot verify, at once, with a clear typed error', async () => {
    const error = await generated.collaborationService
      .connect({
        // A client that retried a failed verification would still be retrying when the test times out.
        url: listener.urlFor(vhost.url),
        logger,
        connectTimeoutMs: 600_000,
        tls: {
          ca: await readPem(listener.untrustedCa),
          cert: await readPem(listener.client.cert),
          key: await readPem(listener.client.key),
        },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TlsVerificationError);
    const message = (error as Error).message;
    expect(message).toContain(`TLS connection to amqps://${vhost.user}:***@localhost:${listener.port}/`);
    expect(message).toMatch(
      / failed: (unable to verify the first certificate|self-signed certificate in certificate chain) \(/,
    );
    expect(message).not.toContain(new URL(vhost.url).password);
  });

  it('is refused by a broker that verifies clients when it presents no certificate', async () => {
    const error = await generated.collaborationService
      .connect({
        url: listener.urlFor(vhost.url),
        logger,
        connectTimeoutMs: 20_000,
        tls: { ca: await readPem(listener.client.ca) },
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TlsVerificationError);
    expect((error as Error).message).toMatch(/certificate required/);
  });
});
