/**
 * `npm run broker:migrate` against the real broker, in a vhost of its own that holds the previous
 * contract's topology (matching-service read user.deleted from a queue of its own,
 * `matching.user_deletions`) beside the current one (the consumer moved back to
 * `matching.user_events`). The dry run lists exactly the binding and queues the contract dropped
 * and changes nothing; the real run removes them, moves what the old consumer queue holds to the
 * new one (`--move`), keeps a dead-letter queue that still holds a message, and deletes it once it
 * is empty, after which `contract:verify-broker` agrees.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connect, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitDefinitions } from '../../../generator/emit/definitions.js';
import type { Model } from '../../../generator/model/types.js';
import { createTestVhost, management, type TestVhost } from '../../support/broker.js';
import { editedSpec, modelOf } from '../../unit/contract/spec-edits.js';

const REPO = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);
const MOVED_FROM = 'matching.user_deletions';

let vhost: TestVhost;
let client: ChannelModel;
let previous: Model;
let current: Model;

async function cli(script: string, ...args: string[]): Promise<{ code: number; output: string }> {
  const env = { ...process.env, RABBITMQ_VHOST: vhost.name, RABBITMQ_URL: vhost.url };
  try {
    const { stdout, stderr } = await run(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, script), ...args], {
      cwd: REPO,
      env,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const migrate = (...args: string[]) => cli('generator/broker/migrate-cli.ts', ...args);
const verifyBroker = () => cli('generator/broker/cli.ts');

async function importDefinitions(model: Model): Promise<void> {
  const file = emitDefinitions(model).find((each) => each.path === 'definitions.json');
  if (file === undefined) throw new Error('emitDefinitions made no definitions.json');
  await management('POST', `/definitions/${encodeURIComponent(vhost.name)}`, JSON.parse(file.content) as unknown);
}

async function queueNames(): Promise<string[]> {
  const queues = (await (await management('GET', `/queues/${encodeURIComponent(vhost.name)}`)).json()) as {
    name: string;
  }[];
  return queues.map((queue) => queue.name).sort();
}

/** The lines of a plan that say `verb`, without the statistics in parentheses. */
function planned(output: string, verb: 'unbind' | 'delete'): string[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(`  ${verb}  `))
    .map((line) => line.slice(`  ${verb}  `.length).replace(/ \(\d+ message.*$/, ''))
    .sort();
}

beforeAll(async () => {
  vhost = await createTestVhost('broker-migrate');
  previous = await modelOf(
    editedSpec((spec) => {
      spec.operations.consumeUserDeleted['x-queue'] = {
        ...spec.components['x-queues'].matchingUserEvents,
        name: MOVED_FROM,
      };
    }),
  );
  current = await modelOf(readFileSync(join(REPO, 'asyncapi.yaml'), 'utf8'));
  await importDefinitions(previous);
  await importDefinitions(current);
  client = await connect(vhost.url);
});

afterAll(async () => {
  await client?.close();
  await vhost?.dispose();
});

// Each case runs the CLIs as processes (tsx start-up is most of the time on a busy machine).
describe('broker:migrate', { timeout: 180_000 }, () => {
  it('--dry-run lists exactly the bindings and queues the contract dropped, and changes nothing', async () => {
    const dropped = previous.queues
      .map((queue) => queue.name)
      .filter((name) => !current.queues.some((queue) => queue.name === name));
    expect(dropped).toContain(MOVED_FROM);
    const before = await queueNames();
    const { code, output } = await migrate('--dry-run');
    expect(code, output).toBe(0);
    expect(planned(output, 'unbind')).toEqual([`binding user.events -> ${MOVED_FROM} (user.deleted)`]);
    expect(planned(output, 'delete')).toEqual(dropped.map((name) => `queue ${name}`).sort());
    expect(output).toContain('dry run: nothing changed');
    expect(await queueNames()).toEqual(before);
    expect((await verifyBroker()).code).toBe(1);
  });

  it('refuses a --move from a queue it does not delete, or into one the contract does not declare', async () => {
    expect((await migrate('--move', 'matching.user_events=matching.session_events')).output).toContain(
      '"matching.user_events" is not a queue this migration deletes',
    );
    expect((await migrate('--move', `${MOVED_FROM}=nowhere`)).output).toContain(
      '"nowhere" is not a shared queue of the contract',
    );
  });

  it('removes them, moving what the old consumer queue holds and keeping a queue that still holds a message until it is empty; verify-broker agrees afterwards', async () => {
    const channel = await client.createConfirmChannel();
    const parked = `${MOVED_FROM}.dlq`;
    channel.sendToQueue(parked, Buffer.from('{"user_id":"8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01"}'), {
      persistent: true,
    });
    // Waiting in the old consumer queue at deploy time (its copy in matching.user_events is drained below).
    const deleted = '{"user_id":"0c8a3e0e-62b5-4a55-9f4a-4a1b5e3f2d10","timestamp":"2026-11-29T10:15:00Z"}';
    channel.publish('user.events', 'user.deleted', Buffer.from(deleted), {
      persistent: true,
      messageId: 'deleted-1',
      contentType: 'application/json',
    });
    await channel.waitForConfirms();
    for (
      let copy = await channel.get('matching.user_events');
      copy !== false;
      copy = await channel.get('matching.user_events')
    )
      channel.ack(copy);

    const first = await migrate('--move', `${MOVED_FROM}=matching.user_events`);
    expect(first.code, first.output).toBe(1);
    expect(first.output).toContain(`moved 1 message(s) from ${MOVED_FROM} to matching.user_events`);
    expect(first.output).toContain(`kept    queue ${parked}: it is not empty`);
    expect(await queueNames()).toEqual(
      [...current.queues.filter((queue) => !queue.perInstance).map((queue) => queue.name), parked].sort(),
    );
    const moved = await channel.get('matching.user_events');
    expect(moved && moved.content.toString()).toBe(deleted);
    expect(moved && moved.properties.messageId).toBe('deleted-1');
    expect(moved && moved.properties.headers).toMatchObject({
      'x-original-exchange': 'user.events',
      'x-original-routing-key': 'user.deleted',
    });
    if (moved) channel.ack(moved);
    const message = await channel.get(parked);
    expect(message && message.content.toString()).toContain('8f14e45f');
    if (message) channel.ack(message);
    await channel.close();

    const second = await migrate();
    expect(second.code, second.output).toBe(0);
    expect(second.output).toContain('removed 0 binding(s) and deleted 1 queue(s).');
    const verified = await verifyBroker();
    expect(verified.output).toContain('agrees with asyncapi.yaml');
    expect(verified.code).toBe(0);
  });
});
