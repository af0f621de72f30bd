/**
 * The payload classifier against validation itself, over random schema pairs: a base schema and
 * the same schema after a few random edits (properties added, removed, made required or optional,
 * types, enums, formats, bounds, `pattern`, `items` and `additionalProperties` changed, appearing
 * or disappearing). For sampled payloads, with senders validating strictly and receivers as
 * tolerant readers (the generated validators' policy):
 *
 * - when no change the classifier reports **loosens**, every payload a sender on the new schema
 *   may send is accepted by a receiver on the base schema (what consumers of an event and callers
 *   of an RPC rely on);
 * - when no change **tightens**, every payload a sender on the base schema may send is accepted by
 *   a receiver on the new one (what producers of an event and callers of an RPC request rely on).
 *
 * The classifier may be cautious (report a change that no sample shows); it may never call a
 * change safe that a sample breaks. Deterministic: a fixed seed and a fixed number of runs. Each
 * rule of schema-diff.ts broken on purpose (an `items` that disappears not compared, a keyword
 * that appears or disappears called harmless, an optional property added to an open schema
 * called harmless) makes this test fail. Edits change keywords that apply to the type of the
 * schema they edit, and each pair is drawn either way round, so removals are drawn as often as
 * additions.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSchemas } from '../../../generator/contract/schema-diff.js';
import { readerSchema } from '../../../generator/model/reader-schema.js';
import type { JsonSchema } from '../../../generator/model/types.js';

const addFormats = addFormatsModule.default;
const SEED = 20261203;
const RUNS = 500;
const SAMPLES = 60;

const NAMES = ['a', 'b', 'c'] as const;
const PATTERNS = ['^[ab]*$', '^a', 'c$', '^\\d+$'];
const STRINGS = [
  '',
  'a',
  'ab',
  'abc',
  'ccc',
  'c',
  '12',
  'x y',
  '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01',
  'ada@example.com',
];
const FORMATS = ['uuid', 'email'];
const SCALAR_TYPES = ['string', 'integer', 'number', 'boolean', 'null'] as const;

const ajv = new Ajv({ strict: false, allErrors: false });
addFormats(ajv);

/** Keywords drawn for a schema, each present or not: `fc.record` with no required key. */
const some = (keywords: Record<string, fc.Arbitrary<unknown>>) => fc.record(keywords, { requiredKeys: [] });

/** A scalar schema: a type (or none), and some of the keywords that apply to it. */
const scalarSchema: fc.Arbitrary<JsonSchema> = fc.oneof(
  some({
    enum: fc.uniqueArray(fc.constantFrom('a', 'abc', 'ccc', '12'), { minLength: 1, maxLength: 3 }),
    format: fc.constantFrom(...FORMATS),
    pattern: fc.constantFrom(...PATTERNS),
    minLength: fc.integer({ min: 0, max: 3 }),
    maxLength: fc.integer({ min: 1, max: 4 }),
    not: fc.constant({ pattern: '^a' }),
  }).map((keywords) => ({ type: 'string', ...keywords })),
  some({
    minimum: fc.integer({ min: -2, max: 5 }),
    maximum: fc.integer({ min: 0, max: 10 }),
    multipleOf: fc.constantFrom(2, 3),
    enum: fc.uniqueArray(fc.constantFrom(1, 2, 4, 7), { minLength: 1, maxLength: 3 }),
  }).chain((keywords) => fc.constantFrom('integer', 'number').map((type) => ({ type, ...keywords }))),
  fc.constantFrom<JsonSchema>(
    { type: 'boolean' },
    { type: 'null' },
    { type: ['string', 'null'] },
    {},
    { enum: ['a', 1, null] },
  ),
);

const arraySchema = (items: fc.Arbitrary<JsonSchema>): fc.Arbitrary<JsonSchema> =>
  some({
    items,
    minItems: fc.integer({ min: 0, max: 2 }),
    maxItems: fc.integer({ min: 1, max: 3 }),
    uniqueItems: fc.constant(true),
  }).map((schema) => ({ type: 'array', ...schema }));

const objectSchema = (property: fc.Arbitrary<JsonSchema>): fc.Arbitrary<JsonSchema> =>
  fc
    .record({
      properties: fc.dictionary(fc.constantFrom(...NAMES), property, { maxKeys: 3 }),
      required: fc.subarray([...NAMES]),
      closed: fc.boolean(),
    })
    .map(({ properties, required, closed }) => ({
      type: 'object',
      properties,
      required: required.filter((name) => name in properties),
      ...(closed ? { additionalProperties: false } : {}),
    }));

const leafSchema = fc.oneof(scalarSchema, arraySchema(scalarSchema));
const nestedSchema = fc.oneof({ weight: 3, arbitrary: leafSchema }, { weight: 1, arbitrary: objectSchema(leafSchema) });
const payloadSchema = objectSchema(nestedSchema);

/** Every schema object in a schema, itself first: properties' schemas and `items`, at any depth. */
function subschemas(schema: JsonSchema): JsonSchema[] {
  const properties = Object.values((schema['properties'] ?? {}) as Record<string, JsonSchema>);
  const items = typeof schema['items'] === 'object' && schema['items'] !== null ? [schema['items'] as JsonSchema] : [];
  return [schema, ...[...properties, ...items].flatMap(subschemas)];
}

type Keyword =
  | 'type'
  | 'enum'
  | 'format'
  | 'pattern'
  | 'minLength'
  | 'maxLength'
  | 'minimum'
  | 'maximum'
  | 'multipleOf'
  | 'minItems'
  | 'maxItems'
  | 'uniqueItems'
  | 'minProperties'
  | 'not';

/** The keywords that constrain a value of the schema's type, so that an edit of one matters. */
function applicableKeywords(schema: JsonSchema): readonly Keyword[] {
  switch (schema['type']) {
    case 'string':
      return ['type', 'enum', 'format', 'pattern', 'minLength', 'maxLength', 'not'];
    case 'integer':
    case 'number':
      return ['type', 'enum', 'minimum', 'maximum', 'multipleOf', 'not'];
    case 'array':
      return ['type', 'minItems', 'maxItems', 'uniqueItems', 'not'];
    case 'object':
      return ['type', 'minProperties', 'not'];
    default:
      return ['type', 'enum', 'not'];
  }
}

/** A value for each keyword an edit may set. */
const keywordValue: Record<Keyword, fc.Arbitrary<unknown>> = {
  type: fc.oneof(fc.constantFrom<unknown>(...SCALAR_TYPES, 'array', 'object'), fc.constant(['string', 'null'])),
  enum: fc.uniqueArray(fc.constantFrom<unknown>('a', 'abc', 1, 2, null), { minLength: 1, maxLength: 3 }),
  format: fc.constantFrom(...FORMATS),
  pattern: fc.constantFrom(...PATTERNS),
  minLength: fc.integer({ min: 0, max: 3 }),
  maxLength: fc.integer({ min: 1, max: 4 }),
  minimum: fc.integer({ min: -2, max: 5 }),
  maximum: fc.integer({ min: 0, max: 10 }),
  multipleOf: fc.constantFrom(2, 3),
  minItems: fc.integer({ min: 0, max: 2 }),
  maxItems: fc.integer({ min: 1, max: 3 }),
  uniqueItems: fc.constant(true),
  minProperties: fc.integer({ min: 1, max: 2 }),
  not: fc.constantFrom<unknown>({ type: 'null' }, { enum: ['a', 1] }, { pattern: '^a' }, { required: ['a'] }),
};

/** One edit, applied in place to one schema object of the payload schema. */
type Edit = (target: JsonSchema) => void;

const editArbitrary: fc.Arbitrary<{ at: number; apply: Edit }> = fc
  .tuple(
    fc.nat(),
    fc.oneof(
      // A property added (or replaced) or removed.
      fc
        .tuple(
          fc.constantFrom(...NAMES),
          fc.oneof(scalarSchema, arraySchema(scalarSchema), objectSchema(scalarSchema)),
          fc.boolean(),
        )
        .map(([name, replacement, remove]): Edit => (target) => {
          const properties = (target['properties'] ?? {}) as Record<string, JsonSchema>;
          if (remove) {
            delete properties[name];
            target['required'] = ((target['required'] ?? []) as string[]).filter((each) => each !== name);
          } else properties[name] = replacement;
          if (target['type'] === 'object' || Object.keys(properties).length > 0) target['properties'] = properties;
        }),
      // Made required or optional.
      fc.constantFrom(...NAMES).map((name): Edit => (target) => {
        const required = (target['required'] ?? []) as string[];
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- `in` needs an object, not `{}`
        if (!(name in ((target['properties'] ?? {}) as object))) return;
        target['required'] = required.includes(name) ? required.filter((each) => each !== name) : [...required, name];
      }),
      // Closed or opened.
      fc.constant<Edit>((target) => {
        if (target['additionalProperties'] === false) delete target['additionalProperties'];
        else target['additionalProperties'] = false;
      }),
      // `items` appearing, disappearing or replaced.
      fc.option(leafSchema, { freq: 2 }).map((items): Edit => (target) => {
        if (items === null) delete target['items'];
        else target['items'] = items;
      }),
      // A keyword that applies to the schema's type appearing, disappearing or changing.
      fc.tuple(fc.nat(), fc.record(keywordValue), fc.boolean()).map(([pick, values, remove]): Edit => (target) => {
        const keywords = applicableKeywords(target);
        const keyword = keywords[pick % keywords.length] as Keyword;
        if (remove) delete target[keyword];
        else target[keyword] = values[keyword];
      }),
    ),
  )
  .map(([at, apply]) => ({ at, apply }));

/** A schema and the same after the edits, either way round: every edit that adds something is also drawn as its removal. */
const schemaPair: fc.Arbitrary<[JsonSchema, JsonSchema]> = fc
  .tuple(payloadSchema, fc.array(editArbitrary, { minLength: 1, maxLength: 2 }), fc.boolean())
  .map(([original, edits, reversed]) => {
    const edited = structuredClone(original);
    for (const { at, apply } of edits) {
      const targets = subschemas(edited);
      apply(targets[at % targets.length] as JsonSchema);
    }
    return reversed ? [edited, original] : [original, edited];
  });

/** Any small JSON value, for where a payload strays from its schema. */
const anyValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<unknown>(...STRINGS, 0, 1, 2, -1, 7, 2.5, true, false, null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...NAMES, 'x'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** Values near what `schema` accepts, with strays: valid payloads are sampled often enough to matter. */
function valueNear(schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> {
  const near: fc.Arbitrary<unknown>[] = [];
  if (Array.isArray(schema['enum'])) near.push(fc.constantFrom(...(schema['enum'] as unknown[])));
  const types = schema['type'] === undefined ? [] : ([] as unknown[]).concat(schema['type']);
  for (const type of types) {
    if (type === 'string') near.push(fc.constantFrom(...STRINGS), fc.stringMatching(/^[abc]{0,5}$/));
    if (type === 'integer' || type === 'number') near.push(fc.integer({ min: -3, max: 12 }), fc.constantFrom(0.5, 4.5));
    if (type === 'boolean') near.push(fc.boolean());
    if (type === 'null') near.push(fc.constant(null));
    if (type === 'array' && depth < 3) {
      const items = typeof schema['items'] === 'object' ? (schema['items'] as JsonSchema) : {};
      near.push(
        fc.array(fc.oneof({ weight: 4, arbitrary: valueNear(items, depth + 1) }, { weight: 1, arbitrary: anyValue }), {
          maxLength: 4,
        }),
      );
    }
    if (type === 'object' && depth < 3) {
      const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
      const record = Object.fromEntries(
        Object.entries(properties).map(([name, inner]) => [name, valueNear(inner, depth + 1)]),
      );
      const extras = fc.dictionary(fc.constantFrom(...NAMES, 'x'), anyValue, { maxKeys: 2 });
      near.push(
        fc
          .tuple(
            fc.record(record, { requiredKeys: (schema['required'] ?? []) as string[] }),
            fc.option(extras, { freq: 3 }),
          )
          .map(([declared, extra]) => ({ ...extra, ...declared })),
      );
    }
  }
  return near.length === 0
    ? anyValue
    : fc.oneof({ weight: 5, arbitrary: fc.oneof(...near) }, { weight: 1, arbitrary: anyValue });
}

interface Validators {
  sender: ValidateFunction;
  receiver: ValidateFunction;
}

function validators(schema: JsonSchema): Validators {
  return { sender: ajv.compile(schema), receiver: ajv.compile(readerSchema(schema)) };
}

const cases = schemaPair.chain(([base, current]) =>
  fc.tuple(
    fc.constant(base),
    fc.constant(current),
    fc.array(fc.oneof(valueNear(base), valueNear(current)), { minLength: SAMPLES, maxLength: SAMPLES }),
  ),
);

describe('diffSchemas against validation of sampled payloads', () => {
  it(`never calls a change safe that a payload breaks (seed ${SEED}, ${RUNS} schema pairs, ${SAMPLES} payloads each)`, () => {
    let counterexamplesSeen = 0;
    fc.assert(
      fc.property(cases, ([base, current, payloads]) => {
        const changes = diffSchemas(base, current);
        const before = validators(base);
        const after = validators(current);
        const copy = (payload: unknown) => structuredClone(payload);
        for (const payload of payloads) {
          const loosened = after.sender(copy(payload)) && !before.receiver(copy(payload));
          const tightened = before.sender(copy(payload)) && !after.receiver(copy(payload));
          if (loosened || tightened) counterexamplesSeen += 1;
          if (loosened)
            expect(
              changes.some((change) => change.loosens),
              `loosened by ${JSON.stringify(payload)}: ${JSON.stringify(changes)}`,
            ).toBe(true);
          if (tightened)
            expect(
              changes.some((change) => change.tightens),
              `tightened by ${JSON.stringify(payload)}: ${JSON.stringify(changes)}`,
            ).toBe(true);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The samples must exercise the classifier: a run where no payload ever breaks proves nothing.
    expect(counterexamplesSeen).toBeGreaterThan(RUNS);
  });
});
