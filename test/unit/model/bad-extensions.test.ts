import { describe, it } from 'vitest';
import { expectDiagnostic, MARK, patch, type BadCase } from './bad-spec-cases.js';

// The contract's x- extensions: ownership, queues, unknown and misplaced keys.

/** The shared queue's retry policy, to be replaced by per-instance settings. */
const THINGS_RETRY =
  '      name: sub.things\n      retry:\n        attempts: 3\n        initialDelayMs: 100\n        multiplier: 2\n        maxDelayMs: 1000\n';
const cases: BadCase[] = [
  [
    'operation with no owner',
    patch([
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n`,
      `  publishThingCreated: ${MARK}\n    action: send\n`,
    ]),
    {
      code: 'operation-without-owner',
      message: 'operation "publishThingCreated" has no owner',
      hint: 'add x-service',
      column: 3,
    },
  ],
  [
    'operation with two owners',
    patch([
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n`,
      `  publishThingCreated:\n    action: send\n    x-service: [pub-service, sub-service] ${MARK}\n`,
    ]),
    {
      code: 'operation-with-several-owners',
      message: 'operation "publishThingCreated" has 2 owners (pub-service, sub-service)',
    },
  ],
  [
    'operation owned by a service not in x-services',
    patch([
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n`,
      `  publishThingCreated:\n    action: send\n    x-service: pub-servise ${MARK}\n`,
    ]),
    {
      code: 'unknown-service',
      message: 'owned by "pub-servise", which is not declared in x-services',
      hint: 'did you mean "pub-service"?',
    },
  ],
  [
    'service in x-services that owns no operation',
    patch(['  sub-service:\n', `  idle-service: ${MARK}\n    description: Does nothing yet.\n  sub-service:\n`]),
    { code: 'service-without-operations', message: 'service "idle-service" owns no operation' },
  ],
  [
    'service name that is not kebab-case',
    patch(['  sub-service:\n', `  Idle_Service: ${MARK}\n    description: Does nothing yet.\n  sub-service:\n`]),
    {
      code: 'invalid-name',
      message: 'service name "Idle_Service" is not kebab-case',
      alsoCodes: ['service-without-operations'],
    },
  ],
  [
    'receive operation on a routing-key channel without x-queue',
    patch([
      `  consumeThingCreated:\n    action: receive\n    x-service: sub-service\n    x-queue:\n      $ref: '#/components/x-queues/things'\n`,
      `  consumeThingCreated: ${MARK}\n    action: receive\n    x-service: sub-service\n`,
    ]),
    {
      code: 'consumer-without-queue',
      message: 'receive operation "consumeThingCreated" on channel "thingCreated" has no x-queue',
    },
  ],
  [
    'misspelled extension key on an operation',
    patch([
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n`,
      `  publishThingCreated:\n    action: send\n    x-servce: pub-service ${MARK}\n`,
    ]),
    {
      code: 'unknown-extension',
      message: 'unknown key "x-servce" on operation "publishThingCreated"',
      hint: 'did you mean "x-service"? Known keys here: x-service, x-queue, x-unverified-origin',
      column: 5,
    },
  ],
  [
    'unknown extension key on a channel',
    patch(['    address: thing.created\n', `    address: thing.created\n    x-retention: 7d ${MARK}\n`]),
    {
      code: 'unknown-extension',
      message: 'unknown key "x-retention" on channel "thingCreated"',
      hint: 'no extension is allowed here',
    },
  ],
  [
    'unknown extension key at the root',
    patch(['x-services:\n', `x-service: pub-service ${MARK}\nx-services:\n`]),
    {
      code: 'misplaced-extension',
      message: '"x-service" is not allowed on the document root',
      hint: 'x-service belongs on an operation',
    },
  ],
  [
    'x-queue on a send operation',
    patch([
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n`,
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n    x-queue: ${MARK}\n      name: pub.things\n`,
    ]),
    { code: 'misplaced-extension', message: 'x-queue is not allowed on a send operation' },
  ],
  [
    'x-queue on an RPC server',
    patch([
      `  serveThingGet:\n    action: receive\n    x-service: pub-service\n`,
      `  serveThingGet:\n    action: receive\n    x-service: pub-service\n    x-queue: ${MARK}\n      name: pub.thing_get\n`,
    ]),
    { code: 'misplaced-extension', message: 'x-queue is not allowed on a receive operation on an RPC channel' },
  ],
  [
    'unknown key inside x-queue',
    patch(['      name: sub.things\n', `      name: sub.things\n      prefech: 5 ${MARK}\n`]),
    { code: 'unknown-key', message: 'unknown key "prefech" in x-queue', hint: 'did you mean "prefetch"?' },
  ],
  [
    'unknown key inside x-queue retry',
    patch(['        attempts: 3\n', `        attempts: 3\n        backoff: 2 ${MARK}\n`]),
    {
      code: 'unknown-key',
      message: 'unknown key "backoff" in x-queue retry',
      hint: 'Known keys here: attempts, initialDelayMs, multiplier, maxDelayMs',
    },
  ],
  [
    'x-queue with a wrongly typed value',
    patch(['      name: sub.things\n', `      name: sub.things\n      durable: yes please ${MARK}\n`]),
    { code: 'invalid-value', message: 'x-queue "durable" must be true or false, got "yes please"' },
  ],
  [
    'x-queue with a maxMessageBytes below 1',
    patch(['      name: sub.things\n', `      name: sub.things\n      maxMessageBytes: 0 ${MARK}\n`]),
    { code: 'invalid-value', message: 'x-queue "maxMessageBytes" must be an integer >= 1, got 0' },
  ],
  [
    'x-queue with an unknown queue type',
    patch(['      name: sub.things\n', `      name: sub.things\n      type: quorom ${MARK}\n`]),
    {
      code: 'invalid-value',
      message: 'x-queue "type" must be one of "classic", "quorum"',
      hint: 'did you mean "quorum"?',
    },
  ],
  [
    'x-queue without a name',
    patch(['    things:\n      name: sub.things\n', `    things: ${MARK}\n      type: classic\n`]),
    { code: 'invalid-value', message: 'x-queue is missing the required key "name"' },
  ],
  [
    'retry with zero attempts',
    patch(['        attempts: 3\n', `        attempts: 0 ${MARK}\n`]),
    { code: 'invalid-value', message: 'x-queue retry "attempts" must be an integer >= 1, got 0' },
  ],
  [
    'retry whose cap is below its first delay',
    patch(['        maxDelayMs: 1000\n', `        maxDelayMs: 50 ${MARK}\n`]),
    { code: 'invalid-value', message: '"maxDelayMs" (50) is below "initialDelayMs" (100)' },
  ],
  [
    'exclusive (per-instance) queue with a retry policy',
    patch([
      '      name: sub.things\n      retry:\n',
      `      name: sub.things\n      exclusive: true\n      retry: ${MARK}\n`,
    ]),
    { code: 'invalid-value', message: 'an exclusive x-queue cannot have a retry policy' },
  ],
  [
    'x-queue bindings with a misspelled mode',
    patch([THINGS_RETRY, `      name: sub.things\n      exclusive: true\n      bindings: per-subscribtion ${MARK}\n`]),
    {
      code: 'invalid-value',
      message: 'x-queue "bindings" must be one of "wildcard", "per-subscription", got "per-subscribtion"',
      hint: 'did you mean "per-subscription"?',
    },
  ],
  [
    'per-subscription bindings on a shared queue',
    patch([
      '      name: sub.things\n      retry:\n',
      `      name: sub.things\n      bindings: per-subscription ${MARK}\n      retry:\n`,
    ]),
    {
      code: 'invalid-value',
      message: 'x-queue "bindings: per-subscription" needs an exclusive x-queue (one per instance)',
      hint: 'add exclusive: true',
    },
  ],
  [
    'per-subscription bindings for a channel without parameters',
    patch(
      [THINGS_RETRY, '      name: sub.things\n      exclusive: true\n      bindings: per-subscription\n'],
      [
        `  consumeThingCreated:\n    action: receive\n    x-service: sub-service\n    x-queue:\n`,
        `  consumeThingCreated:\n    action: receive\n    x-service: sub-service\n    x-queue: ${MARK}\n`,
      ],
    ),
    {
      code: 'invalid-value',
      message:
        'operation "consumeThingCreated" reads queue "sub.things" with "bindings: per-subscription", but channel "thingCreated" (thing.created) has no routing-key parameter to subscribe by',
      hint: 'use a channel with parameters, or a queue with bindings: wildcard',
    },
  ],
  [
    'x-unverified-origin with a misspelled policy',
    patch([
      `  consumeThingCreated:\n    action: receive\n    x-service: sub-service\n`,
      `  consumeThingCreated:\n    action: receive\n    x-service: sub-service\n    x-unverified-origin: refuze ${MARK}\n`,
    ]),
    {
      code: 'invalid-value',
      message: 'x-unverified-origin of operation "consumeThingCreated" must be accept, flag or refuse, got "refuze"',
      hint: 'did you mean "refuse"?',
      column: 5,
    },
  ],
  [
    'x-unverified-origin that is not a string',
    patch([
      `  serveThingGet:\n    action: receive\n    x-service: pub-service\n`,
      `  serveThingGet:\n    action: receive\n    x-service: pub-service\n    x-unverified-origin: true ${MARK}\n`,
    ]),
    {
      code: 'invalid-value',
      message: 'x-unverified-origin of operation "serveThingGet" must be accept, flag or refuse, got true',
      hint: 'refuse dead-letters it (unauthorized_origin)',
    },
  ],
  [
    'x-unverified-origin on a send operation',
    patch([
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n`,
      `  publishThingCreated:\n    action: send\n    x-service: pub-service\n    x-unverified-origin: refuse ${MARK}\n`,
    ]),
    {
      code: 'misplaced-extension',
      message: 'x-unverified-origin is not allowed on a send operation: operation "publishThingCreated"',
      hint: 'put it on the receive operation',
    },
  ],
  [
    'misspelled x-unverified-origin',
    patch([
      `  consumeThingCreated:\n    action: receive\n    x-service: sub-service\n`,
      `  consumeThingCreated:\n    action: receive\n    x-service: sub-service\n    x-unverified-orign: refuse ${MARK}\n`,
    ]),
    {
      code: 'unknown-extension',
      message: 'unknown key "x-unverified-orign" on operation "consumeThingCreated"',
      hint: 'did you mean "x-unverified-origin"?',
    },
  ],
  [
    'x-unverified-origin on a channel',
    patch(['    address: thing.created\n', `    address: thing.created\n    x-unverified-origin: refuse ${MARK}\n`]),
    {
      code: 'misplaced-extension',
      message: '"x-unverified-origin" is not allowed on channel "thingCreated"',
      hint: 'x-unverified-origin belongs on a receive operation',
    },
  ],
  [
    'unknown key in a channel exchange (the parser does not check them)',
    patch(['      type: topic\n', `      type: topic\n      durabel: true ${MARK}\n`]),
    { code: 'unknown-key', message: 'unknown key "durabel" in exchange', hint: 'did you mean "durable"?' },
  ],
  [
    'exchange in a vhost the contract cannot choose',
    patch(['      type: topic\n', `      type: topic\n      vhost: payments ${MARK}\n`]),
    {
      code: 'unsupported-vhost',
      message: 'exchange "vhost" is "payments": a contract cannot choose the vhost',
      hint: 'remove the key, or write vhost: /',
    },
  ],
  [
    'RPC queue in a vhost the contract cannot choose',
    patch(['          name: thing.get\n', `          name: thing.get\n          vhost: payments ${MARK}\n`]),
    { code: 'unsupported-vhost', message: 'queue binding "vhost" is "payments"' },
  ],
];

describe('loadModel reports extension problems at their line', () => {
  it.each(cases)('%s', async (_name, given, want) => {
    await expectDiagnostic(given, want);
  });
});
