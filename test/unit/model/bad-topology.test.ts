import { describe, it } from 'vitest';
import { expectDiagnostic, MARK, patch, type BadCase } from './bad-spec-cases.js';

// Channels, routing keys, RPCs, and broker objects declared twice.
const serveThingGet = `  serveThingGet:
    action: receive
    x-service: pub-service
    channel:
      $ref: '#/channels/thingGet'
    reply:
      channel:
        $ref: '#/channels/thingReply'
`;

const cases: BadCase[] = [
  [
    'routing-key parameter used in the address but not declared',
    patch([
      '    address: thing.{thing_id}.moved\n    parameters:\n',
      `    address: thing.{thing_id}.{zone}.moved\n    parameters: ${MARK}\n`,
    ]),
    {
      code: 'routing-key-parameter',
      message: 'Missed: zone',
      hint: "every {name} in a channel's address needs an entry",
    },
  ],
  [
    'routing-key parameter declared but not used',
    patch([
      '      thing_id:\n        description: The thing.\n',
      `      thing_id:\n        description: The thing.\n      zone: ${MARK}\n        description: Where it went.\n`,
    ]),
    { code: 'routing-key-parameter', message: 'redundant defined "zone" parameter' },
  ],
  [
    'routing-key parameter sharing a segment with text',
    patch(['    address: thing.{thing_id}.moved\n', `    address: thing.id-{thing_id}.moved ${MARK}\n`]),
    {
      code: 'routing-key-parameter',
      message: 'has a parameter inside the segment "id-{thing_id}"',
      hint: 'whole segments',
    },
  ],
  [
    'RPC caller without a reply',
    patch([
      `  callThingGet:\n    action: send\n    x-service: sub-service\n    channel:\n      $ref: '#/channels/thingGet'\n    reply:\n      channel:\n        $ref: '#/channels/thingReply'\n`,
      `  callThingGet: ${MARK}\n    action: send\n    x-service: sub-service\n    channel:\n      $ref: '#/channels/thingGet'\n`,
    ]),
    {
      code: 'rpc-without-reply',
      message: 'operation "callThingGet" sends to the RPC queue channel "thingGet" but has no reply',
    },
  ],
  [
    'RPC server without a reply',
    patch([
      serveThingGet,
      `  serveThingGet: ${MARK}\n    action: receive\n    x-service: pub-service\n    channel:\n      $ref: '#/channels/thingGet'\n`,
    ]),
    {
      code: 'rpc-without-reply',
      message: 'operation "serveThingGet" receives from the RPC queue channel "thingGet" but has no reply',
      alsoCodes: ['rpc-without-server'],
    },
  ],
  [
    'RPC that nobody serves',
    patch([serveThingGet, ''], ['  callThingGet:\n', `  callThingGet: ${MARK}\n`]),
    {
      code: 'rpc-without-server',
      message: 'RPC "thingGet" is called by operation "callThingGet" but no service serves it',
    },
  ],
  [
    'RPC served by two services',
    patch([
      serveThingGet,
      `${serveThingGet}  alsoServeThingGet: ${MARK}\n    action: receive\n    x-service: sub-service\n    channel:\n      $ref: '#/channels/thingGet'\n    reply:\n      channel:\n        $ref: '#/channels/thingReply'\n`,
    ]),
    {
      code: 'rpc-with-several-servers',
      message:
        'RPC "thingGet" is served by both "pub-service" (operation "serveThingGet") and "sub-service" (operation "alsoServeThingGet")',
    },
  ],
  [
    'a reply on a routing-key channel',
    patch([
      `      $ref: '#/channels/thingCreated'\n  publishThingMoved:`,
      `      $ref: '#/channels/thingCreated'\n    reply: ${MARK}\n      channel:\n        $ref: '#/channels/thingReply'\n  publishThingMoved:`,
    ]),
    {
      code: 'unsupported-reply',
      message: 'operation "publishThingCreated" has a reply on the routing-key channel "thingCreated"',
    },
  ],
  [
    'a reply channel that carries no message',
    patch(
      ["    messages:\n      thing:\n        $ref: '#/components/messages/Thing'\n", '    messages: {}\n'],
      [
        `  callThingGet:\n    action: send\n    x-service: sub-service\n    channel:\n      $ref: '#/channels/thingGet'\n    reply:\n`,
        `  callThingGet:\n    action: send\n    x-service: sub-service\n    channel:\n      $ref: '#/channels/thingGet'\n    reply: ${MARK}\n`,
      ],
    ),
    {
      code: 'invalid-reply',
      message: 'the reply of operation "callThingGet" does not name a channel that carries exactly one message',
      alsoCodes: ['invalid-reply'],
    },
  ],
  [
    'RPC queue binding named unlike the address',
    patch(['          name: thing.get\n', `          name: things.get ${MARK}\n`]),
    { code: 'rpc-queue-name', message: 'has address "thing.get" but queue name "things.get"' },
  ],
  [
    'queue declared twice with different settings',
    patch([
      `  consumeThingMoved:\n    action: receive\n    x-service: sub-service\n    x-queue:\n      $ref: '#/components/x-queues/things'\n`,
      `  consumeThingMoved:\n    action: receive\n    x-service: sub-service\n    x-queue: ${MARK}\n      name: sub.things\n      prefetch: 20\n`,
    ]),
    {
      code: 'queue-conflict',
      message: 'queue "sub.things" is declared twice with different settings: retry none here, {"maxAttempts":3',
      hint: 'must be identical',
    },
  ],
  [
    'consumer queue named like an RPC queue',
    patch([
      `  consumeThingMoved:\n    action: receive\n    x-service: sub-service\n    x-queue:\n      $ref: '#/components/x-queues/things'\n`,
      `  consumeThingMoved:\n    action: receive\n    x-service: sub-service\n    x-queue: ${MARK}\n      name: thing.get\n`,
    ]),
    {
      code: 'queue-conflict',
      message:
        'queue "thing.get" is declared twice with different settings: role "consumer" here, "rpc" in RPC channel "thingGet"',
    },
  ],
  [
    'exchange declared twice with different settings',
    patch([
      `        exchange:\n          $ref: '#/components/x-exchanges/things'\n  thingGet:`,
      `        exchange: ${MARK}\n          name: things.events\n          type: direct\n  thingGet:`,
    ]),
    {
      code: 'exchange-conflict',
      message:
        'exchange "things.events" is declared twice with different settings: type "direct" here, "topic" in channel "thingCreated"',
    },
  ],
  [
    'service consuming the same channel twice',
    patch([
      `  serveThingGet:\n`,
      `  consumeThingCreatedAgain: ${MARK}\n    action: receive\n    x-service: sub-service\n    x-queue:\n      $ref: '#/components/x-queues/things'\n    channel:\n      $ref: '#/channels/thingCreated'\n  serveThingGet:\n`,
    ]),
    {
      code: 'duplicate-operation',
      message:
        'service "sub-service" consumes channel "thingCreated" twice: operations "consumeThingCreated" and "consumeThingCreatedAgain"',
    },
  ],
  [
    'channel id that is not a camelCase identifier',
    patch(
      ['  thingMoved:\n    address', `  thing-moved: ${MARK}\n    address`],
      [
        `      $ref: '#/channels/thingMoved'\n  consumeThingCreated`,
        `      $ref: '#/channels/thing-moved'\n  consumeThingCreated`,
      ],
      [`      $ref: '#/channels/thingMoved'\n  serveThingGet`, `      $ref: '#/channels/thing-moved'\n  serveThingGet`],
    ),
    {
      code: 'invalid-channel-id',
      message: 'channel id "thing-moved" is not a camelCase identifier',
      hint: 'try "thingMoved"',
    },
  ],
  [
    'event channel carrying two messages',
    patch(
      [
        `        $ref: '#/components/messages/ThingCreated'\n`,
        `        $ref: '#/components/messages/ThingCreated'\n      thingRequest:\n        $ref: '#/components/messages/ThingRequest'\n`,
      ],
      [
        '  thingCreated:\n    address: thing.created\n    messages:\n',
        `  thingCreated:\n    address: thing.created\n    messages: ${MARK}\n`,
      ],
    ),
    { code: 'channel-messages', message: 'channel "thingCreated" carries 2 messages' },
  ],
  [
    'operation on a channel without an AMQP binding',
    patch([
      `      $ref: '#/channels/thingCreated'\n  publishThingMoved:`,
      `      $ref: '#/channels/thingCreated'\n  publishThing:\n    action: send\n    x-service: pub-service\n    channel: ${MARK}\n      $ref: '#/channels/thingReply'\n  publishThingMoved:`,
    ]),
    {
      code: 'channel-without-binding',
      message: 'operation "publishThing" uses channel "thingReply", which has no bindings.amqp',
    },
  ],
];

describe('loadModel reports topology problems at their line', () => {
  it.each(cases)('%s', async (_name, given, want) => {
    await expectDiagnostic(given, want);
  });
});
