import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../generator/diagnostics.js';
import { loadModel, loadModelFromText, type LoadResult } from '../../../generator/load/load-model.js';
import type { Model } from '../../../generator/model/types.js';
import { makeSyntheticSpec } from '../../fixtures/specs/synthetic.js';
import { BASE_SPEC, patch } from './bad-spec-cases.js';

function modelOf(result: LoadResult): Model {
  if ('diagnostics' in result) throw new Error(result.diagnostics.map(formatDiagnostic).join('\n'));
  return result.model;
}

const fixture = (name: string) => `test/fixtures/specs/valid/${name}.yaml`;

const cases: [name: string, load: () => Promise<LoadResult>, want: (model: Model) => void][] = [
  [
    'minimal: one event, one publisher, one consumer',
    () => loadModel(fixture('minimal')),
    (model) => {
      expect(model.services.map((s) => [s.name, s.publishes.length, s.consumes.length])).toEqual([
        ['greeter-service', 1, 0],
        ['listener-service', 0, 1],
      ]);
      expect(model.queues.map((q) => [q.name, q.role])).toEqual([
        ['listener.greetings', 'consumer'],
        ['listener.greetings.dlq', 'dead-letter'],
      ]);
      expect(model.bindings).toEqual([
        { exchange: 'greetings', queue: 'listener.greetings', pattern: 'greeting.sent' },
      ]);
    },
  ],
  [
    'parameters: several routing-key parameters, in address order',
    () => loadModel(fixture('parameters')),
    (model) => {
      const joined = model.channels.find((c) => c.id === 'memberJoined');
      expect(joined?.parameters.map((p) => p.name)).toEqual(['org_id', 'room_id', 'member_id']);
      expect(joined?.pattern).toBe('org.*.room.*.member.*.joined');
      // 500 ms, then 1500 ms capped at 1000 ms.
      expect(model.queues.find((q) => q.name === 'audit.room_events')?.retryQueues).toEqual([
        'audit.room_events.retry.500ms',
        'audit.room_events.retry.1000ms',
      ]);
    },
  ],
  [
    'rpc-only: RPCs and no exchange',
    () => loadModel(fixture('rpc-only')),
    (model) => {
      expect(model.exchanges).toEqual([]);
      expect(model.rpcs.map((r) => [r.id, r.queue, r.requestMessage, r.replyMessage])).toEqual([
        ['timeNow', 'clock.now', 'TimeRequest', 'Time'],
        ['timeZones', 'clock.zones', 'ZonesRequest', 'Zones'],
      ]);
      expect(model.services.map((s) => [s.name, s.calls.length, s.serves.length])).toEqual([
        ['caller-service', 2, 0],
        ['clock-service', 0, 2],
      ]);
    },
  ],
  [
    'quorum-dlq: quorum with retries, classic without a dead-letter queue, per-instance',
    () => loadModel(fixture('quorum-dlq')),
    (model) => {
      const billing = model.queues.find((q) => q.name === 'billing.orders');
      expect([
        billing?.arguments,
        billing?.prefetch,
        billing?.retry?.delaysMs,
        billing?.deadLetterQueue,
        billing?.maxMessageBytes,
      ]).toEqual([{ 'x-queue-type': 'quorum' }, 20, [2000, 4000, 5000], 'billing.orders.dlq', 1048576]);
      const cancellations = model.queues.find((q) => q.name === 'billing.cancellations');
      expect([cancellations?.deadLetterQueue, cancellations?.retry, cancellations?.maxMessageBytes]).toEqual([
        undefined,
        undefined,
        undefined,
      ]);
      expect(model.queues.find((q) => q.name === 'dashboard.orders')?.perInstance).toBe(true);
      expect(
        model.services
          .find((s) => s.name === 'order-service')
          ?.publishes.map((p) => [p.methodName, p.mandatory, p.persistent]),
      ).toEqual([
        ['orderCancelled', false, false],
        ['orderPlaced', true, true],
      ]);
    },
  ],
  [
    'synthetic: 50 channels, every tenth an RPC',
    () => loadModelFromText(makeSyntheticSpec(50), 'synthetic.yaml'),
    (model) => {
      expect([model.channels.length, model.rpcs.length, model.services.length]).toEqual([45, 5, 10]);
      expect(model.queues.filter((q) => q.role === 'consumer').map((q) => q.name)).toEqual([
        'consumer-0.events',
        'consumer-1.events',
        'consumer-2.events',
        'consumer-3.events',
        'consumer-4.events',
      ]);
    },
  ],
  [
    'the bad-spec base is valid, so each bad case fails for its own reason only',
    () => loadModelFromText(BASE_SPEC, 'spec.yaml'),
    (model) =>
      expect(model.queues.map((q) => q.name)).toEqual([
        'sub.things',
        'sub.things.dlq',
        'sub.things.retry.100ms',
        'sub.things.retry.200ms',
        'thing.get',
      ]),
  ],
  [
    'x-unverified-origin: each receive operation carries its policy, accept when unstated',
    () =>
      loadModelFromText(
        patch(
          [
            `  consumeThingMoved:\n    action: receive\n    x-service: sub-service\n`,
            `  consumeThingMoved:\n    action: receive\n    x-service: sub-service\n    x-unverified-origin: refuse\n`,
          ],
          [
            `  serveThingGet:\n    action: receive\n    x-service: pub-service\n`,
            `  serveThingGet:\n    action: receive\n    x-service: pub-service\n    x-unverified-origin: flag\n`,
          ],
        ),
        'spec.yaml',
      ),
    (model) => {
      const sub = model.services.find((s) => s.name === 'sub-service');
      expect(sub?.consumes.map((c) => [c.methodName, c.unverifiedOrigin])).toEqual([
        ['thingCreated', 'accept'],
        ['thingMoved', 'refuse'],
      ]);
      expect(
        model.services.find((s) => s.name === 'pub-service')?.serves.map((r) => [r.methodName, r.unverifiedOrigin]),
      ).toEqual([['thingGet', 'flag']]);
    },
  ],
];

describe('valid specs build their model', () => {
  it.each(cases)('%s', async (_name, load, want) => {
    want(modelOf(await load()));
  });

  it('builds the same model twice (deterministic)', async () => {
    const [first, second] = await Promise.all([loadModel(fixture('quorum-dlq')), loadModel(fixture('quorum-dlq'))]);
    expect(JSON.stringify(modelOf(first))).toBe(JSON.stringify(modelOf(second)));
  });
});

describe('loadModel', () => {
  it('reports every problem it can find, not just the first, in file order', async () => {
    const given = patch(
      [
        "    x-service: pub-service\n    channel:\n      $ref: '#/channels/thingCreated'",
        "    x-servce: pub-service\n    channel:\n      $ref: '#/channels/thingCreated'",
      ],
      ['            count: 2', '            count: -1'],
      ['      name: sub.things\n', '      name: sub.things\n      prefech: 5\n'],
    );
    const result = await loadModelFromText(given, 'spec.yaml');
    expect('diagnostics' in result && result.diagnostics.map((d) => [d.line, d.code])).toEqual([
      [52, 'unknown-extension'],
      [98, 'unknown-key'],
      [115, 'example-mismatch'],
    ]);
  });

  it('reports a missing file as a diagnostic instead of throwing', async () => {
    const result = await loadModel('test/fixtures/specs/does-not-exist.yaml');
    expect('diagnostics' in result && result.diagnostics.map((d) => [d.code, d.line, d.column])).toEqual([
      ['unreadable-file', 1, 1],
    ]);
  });
});
