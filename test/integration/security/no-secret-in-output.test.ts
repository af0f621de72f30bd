/**
 * A run with known passwords, through the paths that talk about connections: connecting, failing
 * handlers (retries, dead letters), invalid payloads, RPC errors, connections cut by the broker,
 * wrong credentials; and a real service process with its /health and /metrics. Every log line,
 * error message and metrics/health body is then searched for each password (as written,
 * URL-encoded, and inside a Basic auth header): none may appear anywhere.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as generated from '../../../generated/index.js';
import type { SessionEnded, UserCreated } from '../../../generated/payloads.js';
import { peerPrepModel } from '../../fixtures/model.js';
import { waitFor } from '../../support/broker.js';
import { handlersFor, started } from '../../support/handlers.js';
import { localManagement, provisionTestIdentities, type ProvisionedIdentities } from './provisioned-identities.js';

const ROOT = resolve(import.meta.dirname, '../../..');
/** Distinctive, with characters that URL-encoding changes. */
const secretOf = (service: string) => `Known/${service}+Secret=${randomBytes(4).toString('hex')}`;

let identities: ProvisionedIdentities;
/** Everything the run printed, threw or served. */
const output: string[] = [];

beforeAll(async () => {
  identities = await provisionTestIdentities('security-secrets', secretOf);
});

afterAll(async () => {
  await identities?.dispose();
});

function capturingLogger(): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output.push(chunk.toString());
      done();
    },
  });
  return pino({ level: 'trace' }, sink);
}

function example<T>(message: string): T {
  return structuredClone(peerPrepModel.messages.find((each) => each.name === message)?.examples[0]?.payload) as T;
}

async function errorOf(run: () => Promise<unknown>): Promise<void> {
  const error = await run().then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected the operation to fail');
  output.push(`${error.name}: ${error.message}\n${error.stack ?? ''}\n${String(error.cause ?? '')}`);
}

function leakedForms(): string[] {
  return ['user-service', 'question-service', 'matching-service', 'collaboration-service'].flatMap((service) => {
    const password = identities.passwordOf(service);
    return [
      password,
      encodeURIComponent(password),
      Buffer.from(`${identities.userOf(service)}:${password}`).toString('base64'),
    ];
  });
}

describe('no password in any output', () => {
  it('runtime: logs, errors and metrics of a run through failures, cut connections and wrong credentials', async () => {
    const sessionEnded = example<SessionEnded>('SessionEnded');
    const user = await started(
      generated.userService.connect({
        url: identities.urlOf('user-service'),
        logger: capturingLogger(),
      }),
      handlersFor<generated.userService.UserServiceHandlers>(generated.userService.userServiceDefinition, {
        userProfileGet: () => {
          throw new Error('profile store unavailable');
        },
      }),
    );
    let attempts = 0;
    const matching = await started(
      generated.matchingService.connect({
        url: identities.urlOf('matching-service'),
        logger: capturingLogger(),
      }),
      handlersFor<generated.matchingService.MatchingServiceHandlers>(
        generated.matchingService.matchingServiceDefinition,
        {
          sessionEnded: () => {
            attempts++;
            throw new Error('always fails');
          },
        },
      ),
    );
    const collaboration = await started(
      generated.collaborationService.connect({
        url: identities.urlOf('collaboration-service'),
        logger: capturingLogger(),
      }),
      handlersFor<generated.collaborationService.CollaborationServiceHandlers>(
        generated.collaborationService.collaborationServiceDefinition,
      ),
    );
    try {
      await user.publish.userCreated(example<UserCreated>('UserCreated'));
      await errorOf(() => user.publish.userCreated({ ...example<UserCreated>('UserCreated'), email: 'not an email' }));
      await errorOf(() => matching.call.userProfileGet({ user_id: example<UserCreated>('UserCreated').user_id }));
      await errorOf(() => matching.call.questionPick({ difficulty: 'easy', topics: ['arrays'] }));
      await collaboration.publish.sessionEnded(sessionEnded, { session_id: sessionEnded.session_id });
      await waitFor(() => attempts === 3, {
        timeoutMs: 10_000,
        what: 'session.ended to be tried three times, then dead-lettered',
      });
      await localManagement.call(
        'DELETE',
        `/connections/username/${encodeURIComponent(identities.userOf('matching-service'))}`,
      );
      await waitFor(() => output.some((line) => line.includes('reconnected to broker')), {
        timeoutMs: 10_000,
        what: 'matching-service to reconnect',
      });
      for (const bus of [user, matching, collaboration]) output.push(await bus.metrics.metrics());
    } finally {
      await Promise.all([user.close(), matching.close(), collaboration.close()]);
    }
    const wrongPassword = identities
      .urlOf('question-service')
      .replace(
        encodeURIComponent(identities.passwordOf('question-service')),
        encodeURIComponent(identities.passwordOf('user-service')),
      );
    await errorOf(() =>
      generated.questionService.connect({ url: wrongPassword, logger: capturingLogger(), connectTimeoutMs: 500 }),
    );
    await errorOf(() =>
      generated.questionService.connect({
        url: `${identities.urlOf('question-service')}-missing-vhost`,
        logger: capturingLogger(),
        connectTimeoutMs: 500,
      }),
    );

    const text = output.join('\n');
    expect(text).toContain('dead-lettering message');
    expect(text).toContain(`${encodeURIComponent(identities.userOf('matching-service'))}:***@`);
    for (const form of leakedForms()) expect(text).not.toContain(form);
  });

  it('a service process: its logs, /health and /metrics', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'secrets-question-service-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/run.ts', 'question-service'], {
      cwd: ROOT,
      env: {
        ...process.env,
        RABBITMQ_URL: identities.urlOf('question-service'),
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'trace',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => lines.push(chunk.toString()));
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    try {
      await waitFor(() => lines.join('').includes('"msg":"listening"'), {
        timeoutMs: 30_000,
        what: 'question-service to listen',
      });
      const port = Number(/"port":(\d+),"msg":"listening"/.exec(lines.join(''))?.[1]);
      for (const path of ['/health', '/metrics']) {
        const response = await fetch(`http://127.0.0.1:${port}${path}`);
        expect(response.status).toBe(200);
        lines.push(await response.text());
      }
      await localManagement.call(
        'DELETE',
        `/connections/username/${encodeURIComponent(identities.userOf('question-service'))}`,
      );
      await waitFor(() => lines.join('').includes('reconnected to broker'), {
        timeoutMs: 10_000,
        what: 'question-service to reconnect',
      });
    } finally {
      child.kill('SIGTERM');
      await exited;
      await rm(dataDir, { recursive: true, force: true });
    }
    const text = lines.join('\n');
    expect(text).toContain('"msg":"connected to broker"');
    for (const form of leakedForms()) expect(text).not.toContain(form);
  });
});
