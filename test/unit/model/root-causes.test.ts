import { describe, it } from 'vitest';
import { expectDiagnostic, MARK, patch, type BadCase } from './bad-spec-cases.js';

/** The base spec with its thing id moved to a shared schema that three places use through `$ref`. */
function withSharedThingId(idSchema: string, ...more: [from: string, to: string][]): string {
  return patch(
    [
      '        thing_id:\n          type: string\n          format: uuid\n',
      "        thing_id:\n          $ref: '#/components/schemas/ThingId'\n        others:\n          type: array\n          items:\n            $ref: '#/components/schemas/ThingId'\n",
    ],
    [
      '      properties:\n          thing_id:\n            type: string\n    ThingRequest',
      "      properties:\n          thing_id:\n            $ref: '#/components/schemas/ThingId'\n    ThingRequest",
    ],
    ['          minimum: 0\n', `          minimum: 0\n    ThingId:\n${idSchema}`],
    ...more,
  );
}

// One mistake, one diagnostic: what follows from it (every schema using a broken one, the yaml
// parser's recovery after a misplaced indentation) is not reported. Each with the hint to act on.
const cases: BadCase[] = [
  [
    'a typo in a shared schema used by several messages: only the typo',
    withSharedThingId(`      type: strin ${MARK}\n      format: uuid\n`),
    {
      code: 'asyncapi-schema',
      message: '"type" property must be equal to one of the allowed values',
      hint: 'did you mean "string"?',
      column: 13,
    },
  ],
  [
    'a typo in a shared schema beside an independent mistake: both, nothing else',
    withSharedThingId(`      type: strin ${MARK}\n      format: uuid\n`, [
      '          type: integer\n',
      '          type: integr\n',
    ]),
    {
      code: 'asyncapi-schema',
      message: '(at components.schemas.ThingId.type)',
      hint: 'did you mean "string"?',
      alsoCodes: ['asyncapi-schema'],
    },
  ],
  [
    'a key indented less than its siblings',
    patch(['        initialDelayMs: 100', `      initialDelayMs: 100 ${MARK}`]),
    {
      code: 'yaml-syntax',
      message: '"initialDelayMs" is indented less (column 7) than the keys around it (column 9)',
      hint: 'move "initialDelayMs" to column 9',
      column: 7,
    },
  ],
  [
    'a key indented deeper than the key above it, which has a value',
    patch([
      '        label:\n          type: string\n          minLength: 1',
      `        label:\n          type: string\n            minLength: 1 ${MARK}`,
    ]),
    {
      code: 'yaml-syntax',
      message: '"minLength" is indented deeper (column 13) than "type" above it (column 11)',
      hint: 'move "minLength" to column 11',
      column: 13,
    },
  ],
  [
    'a block dedented out of its parent',
    patch([
      '        required: [thing_id]\n        properties:\n          thing_id:\n            type: string\n    ThingRequest',
      `        required: [thing_id]\n      properties: ${MARK}\n          thing_id:\n            type: string\n    ThingRequest`,
    ]),
    {
      code: 'asyncapi-schema',
      message: 'Property "properties" is not expected to be here',
      hint: 'check its indentation',
    },
  ],
  [
    'a word where a number belongs',
    patch(['        attempts: 3', `        attempts: five ${MARK}`]),
    {
      code: 'invalid-value',
      message: 'x-queue retry "attempts" must be an integer >= 1, got "five"',
      hint: 'for example "attempts: 1"',
      column: 9,
    },
  ],
  [
    'a misspelt x-service: the unknown key, not also an operation without owner',
    patch([
      "    x-service: pub-service\n    channel:\n      $ref: '#/channels/thingCreated'",
      `    x-servce: pub-service ${MARK}\n    channel:\n      $ref: '#/channels/thingCreated'`,
    ]),
    {
      code: 'unknown-extension',
      message: 'unknown key "x-servce" on operation',
      hint: 'did you mean "x-service"?',
      column: 5,
    },
  ],
  [
    'a word that is not one of the allowed ones',
    patch(['      type: topic', `      type: topc ${MARK}`]),
    {
      code: 'asyncapi-schema',
      message: '"type" property must be equal to one of the allowed values: "topic"',
      hint: 'did you mean "topic"?',
    },
  ],
];

describe('one root diagnostic per mistake, with a hint', () => {
  it.each(cases)('%s', async (_name, given, want) => {
    await expectDiagnostic(given, want);
  });
});
