import { describe, it } from 'vitest';
import { expectDiagnostic, MARK, patch, type BadCase } from './bad-spec-cases.js';

// YAML, AsyncAPI schema, $ref, payload schema and example problems.
const cases: BadCase[] = [
  [
    'YAML syntax error: a key given twice',
    patch(['    address: thing.created\n', `    address: thing.created\n    address: thing.made ${MARK}\n`]),
    { code: 'yaml-syntax', message: 'Map keys must be unique', hint: 'merge the two entries', column: 5 },
  ],
  [
    'YAML syntax error: an unclosed flow sequence',
    patch([
      '        required: [thing_id]\n        properties:\n          thing_id:\n            type: string\n    ThingRequest',
      `        required: [thing_id\n        properties: ${MARK}\n          thing_id:\n            type: string\n    ThingRequest`,
    ]),
    { code: 'yaml-syntax', message: 'YAML syntax error' },
  ],
  [
    'AsyncAPI schema violation: an unknown action',
    patch(['  publishThingCreated:\n    action: send', `  publishThingCreated:\n    action: sned ${MARK}`]),
    { code: 'asyncapi-schema', message: '"action" property must be equal to one of the allowed values', column: 13 },
  ],
  [
    'unresolved $ref',
    patch([
      "        $ref: '#/components/messages/ThingCreated'",
      `        $ref: '#/components/messages/ThingCreatd' ${MARK}`,
    ]),
    {
      code: 'unresolved-ref',
      message: '"#/components/messages/ThingCreatd"',
      hint: 'did you mean "#/components/messages/ThingCreated"?',
    },
  ],
  [
    'payload that is not valid JSON Schema: a misspelled keyword',
    patch(['          type: string\n          minLength: 1', `          type: string\n          minLenght: 1 ${MARK}`]),
    {
      code: 'invalid-payload-schema',
      message: 'unknown keyword: "minLenght"',
      column: 11,
      alsoCodes: ['invalid-payload-schema'],
    },
  ],
  [
    'payload that is not valid JSON Schema: keywords of an object without type object (ajv strictTypes)',
    patch([
      '      payload:\n        type: object\n        required: [thing_id]\n        properties:\n          thing_id:\n            type: string\n    ThingRequest',
      `      payload: ${MARK}\n        required: [thing_id]\n        properties:\n          thing_id:\n            type: string\n    ThingRequest`,
    ]),
    { code: 'invalid-payload-schema', message: 'message "ThingMoved"', hint: 'strict mode' },
  ],
  [
    'example that does not match its schema: a wrong type',
    patch(['            count: 2', `            count: two ${MARK}`]),
    {
      code: 'example-mismatch',
      message: 'example "lamp" of message "ThingCreated" does not match its schema: field "count" must be integer',
      column: 13,
    },
  ],
  [
    'example that does not match its schema: a missing required field',
    patch([
      '        - name: lamp\n          payload:\n            thing_id: 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b\n            label: lamp\n',
      `        - name: lamp\n          payload: ${MARK}\n            thing_id: 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b\n`,
    ]),
    { code: 'example-mismatch', message: 'field "label" is required but missing' },
  ],
  [
    'example that does not match its schema: a field the schema does not allow',
    patch(['            count: 2', `            count: 2\n            colour: red ${MARK}`]),
    { code: 'example-mismatch', message: 'field "colour" is not allowed' },
  ],
  [
    'message name that is not PascalCase',
    patch(['      name: ThingMoved', `      name: thing_moved ${MARK}`]),
    { code: 'invalid-message-name', message: '"thing_moved" is not a PascalCase identifier', hint: 'try "ThingMoved"' },
  ],
  [
    'two different messages with one name',
    patch(['      name: ThingRequest', `      name: ThingMoved ${MARK}`]),
    { code: 'duplicate-message-name', message: 'message name "ThingMoved" is used by two different messages' },
  ],
  [
    'schema name that is not PascalCase',
    patch(
      [
        '      payload:\n        type: object\n        required: [thing_id]\n        properties:\n          thing_id:\n            type: string\n    ThingRequest',
        "      payload:\n        $ref: '#/components/schemas/thing_moved'\n    ThingRequest",
      ],
      [
        '  schemas:\n',
        `  schemas:\n    thing_moved: ${MARK}\n      type: object\n      properties:\n        thing_id:\n          type: string\n`,
      ],
    ),
    {
      code: 'invalid-schema-name',
      message: 'schema name "thing_moved" is not a PascalCase identifier',
      hint: 'try "ThingMoved"',
    },
  ],
  [
    'a schema named like a message whose payload is another schema',
    patch(
      [
        '      payload:\n        type: object\n        required: [thing_id]\n        properties:\n          thing_id:\n            type: string\n    ThingRequest',
        "      payload:\n        $ref: '#/components/schemas/ThingRequest'\n    ThingRequest",
      ],
      ['      name: ThingRequest', `      name: ThingRequest ${MARK}`],
      [
        '  schemas:\n',
        '  schemas:\n    ThingRequest:\n      type: object\n      properties:\n        thing_id:\n          type: string\n',
      ],
    ),
    {
      code: 'type-name-clash',
      message: 'message "ThingRequest" and schema "ThingRequest" would both be the TypeScript type ThingRequest',
      hint: "$ref: '#/components/schemas/ThingRequest'",
    },
  ],
];

describe('loadModel reports document problems at their line', () => {
  it.each(cases)('%s', async (_name, given, want) => {
    await expectDiagnostic(given, want);
  });
});
