/**
 * What changed between two payload schemas (JSON Schema draft 07, `$ref`s inlined, as the model
 * holds them), and what each change does to the payloads that get through. Senders validate
 * strictly against their schema; receivers are **tolerant readers**: they ignore properties their
 * schema does not know, even where it says `additionalProperties: false` (`generator/model/reader-schema.ts`). So:
 *
 * - a change **tightens** when a payload a sender on the base contract may send is rejected by a
 *   receiver on the new contract: whoever sends such payloads (or left them in a queue) breaks;
 * - a change **loosens** when a payload a sender on the new contract may send is rejected by a
 *   receiver on the base contract, or lacks a guarantee the base gave.
 *
 * Every keyword is compared when it is present on either side: a keyword that appears adds a
 * condition (tightens), one that disappears drops one (loosens). Who breaks depends on the
 * direction the message travels; `payload-changes.ts` decides that.
 */
import { isDeepStrictEqual } from 'node:util';
import type { JsonSchema } from '../model/types.js';

export type SchemaChangeKind =
  | 'property-removed'
  | 'required-property-added'
  | 'optional-property-added'
  | 'made-required'
  | 'made-optional'
  | 'type-narrowed'
  | 'type-widened'
  | 'type-changed'
  | 'enum-value-removed'
  | 'enum-value-added'
  | 'enum-added'
  | 'enum-dropped'
  | 'format-added'
  | 'format-removed'
  | 'format-changed'
  | 'constraint-tightened'
  | 'constraint-relaxed'
  | 'additional-properties-closed'
  | 'additional-properties-opened'
  | 'annotation-changed'
  | 'keyword-added'
  | 'keyword-removed'
  | 'keyword-changed';

export interface SchemaChange {
  kind: SchemaChangeKind;
  /** JSON pointer segments inside the payload schema: `['properties', 'email']`. */
  path: string[];
  /** One line, what changed: `"email" is now required`. */
  detail: string;
  tightens: boolean;
  loosens: boolean;
  /** For a change that neither tightens nor loosens: why nobody notices it. */
  harmless?: string;
}

/** Keywords that assert nothing about a payload. */
const ANNOTATIONS = new Set([
  'description',
  'title',
  'examples',
  'default',
  '$comment',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$id',
  '$schema',
  'definitions',
  'contentMediaType',
  'contentEncoding',
]);
/** Keywords this module reads itself; any other keyword is judged by `diffOtherKeywords`. */
const UNDERSTOOD = new Set([
  'type',
  'enum',
  'const',
  'format',
  'properties',
  'required',
  'additionalProperties',
  'items',
]);
/** Bounds whose larger value accepts less. */
const LOWER_BOUNDS = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'];
/** Bounds whose smaller value accepts less. */
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'];
const BOUNDS = new Set([...LOWER_BOUNDS, ...UPPER_BOUNDS]);

const DOCUMENTATION_ONLY = 'documentation only: the accepted payloads are the same';
const READERS_IGNORE_UNKNOWN = 'receivers ignore properties their schema does not know (tolerant readers)';

/** A change found at the schema being compared, or `below` it. */
type Found = Omit<SchemaChange, 'path'> & { below?: string[] };

/** Every change from `base` to `current`, outermost first. */
export function diffSchemas(base: JsonSchema, current: JsonSchema, path: string[] = []): SchemaChange[] {
  const found: SchemaChange[] = [];
  const add = ({ below = [], ...change }: Found) => found.push({ ...change, path: [...path, ...below] });
  diffTypes(base, current, add);
  diffAllowedValues(base, current, add);
  diffFormats(base, current, add);
  diffBounds(base, current, add);
  diffOtherKeywords(base, current, add);
  found.push(...diffObjectShape(base, current, path));
  found.push(...diffItems(base, current, path));
  return found;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A schema value as a reader would write it: strings quoted but not escaped (`"^\d+$"`), lists and maps compact. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (isSchema(value))
    return `{ ${Object.entries(value)
      .map(([key, inner]) => `${key}: ${show(inner)}`)
      .join(', ')} }`;
  return String(value);
}

function typesOf(schema: JsonSchema): string[] | undefined {
  const type = schema['type'];
  if (typeof type === 'string') return [type];
  return Array.isArray(type) ? type.map(String) : undefined;
}

/** Whether a value of JSON type `type` passes a `type` keyword listing `types` (absent: any). */
function admits(types: string[] | undefined, type: string): boolean {
  return types === undefined || types.includes(type) || (type === 'integer' && types.includes('number'));
}

function diffTypes(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  const before = typesOf(base);
  const after = typesOf(current);
  if (isDeepStrictEqual(before, after)) return;
  const lost = before === undefined ? after !== undefined : before.some((type) => !admits(after, type));
  const gained = after === undefined ? before !== undefined : after.some((type) => !admits(before, type));
  if (!lost && !gained) return;
  const kind = lost && gained ? 'type-changed' : lost ? 'type-narrowed' : 'type-widened';
  const typeName = (types: string[] | undefined) =>
    types === undefined ? 'any' : show(types.length === 1 ? types[0] : types);
  add({ kind, detail: `type ${typeName(before)} became ${typeName(after)}`, tightens: lost, loosens: gained });
}

/** `const` is an enum of one. */
function allowedValues(schema: JsonSchema): unknown[] | undefined {
  if ('const' in schema) return [schema['const']];
  const values = schema['enum'];
  return Array.isArray(values) ? values : undefined;
}

function diffAllowedValues(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  const before = allowedValues(base);
  const after = allowedValues(current);
  if (before === undefined && after === undefined) return;
  if (before === undefined) {
    add({ kind: 'enum-added', detail: `values are now limited to ${show(after)}`, tightens: true, loosens: false });
    return;
  }
  if (after === undefined) {
    add({
      kind: 'enum-dropped',
      detail: `values are no longer limited to ${show(before)}`,
      tightens: false,
      loosens: true,
    });
    return;
  }
  const has = (values: unknown[], value: unknown) => values.some((candidate) => isDeepStrictEqual(candidate, value));
  for (const value of before.filter((value) => !has(after, value))) {
    add({
      kind: 'enum-value-removed',
      detail: `value ${show(value)} is no longer allowed`,
      tightens: true,
      loosens: false,
    });
  }
  for (const value of after.filter((value) => !has(before, value))) {
    add({ kind: 'enum-value-added', detail: `value ${show(value)} is now allowed`, tightens: false, loosens: true });
  }
}

function diffFormats(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  const before = base['format'];
  const after = current['format'];
  if (before === after) return;
  if (before === undefined)
    add({ kind: 'format-added', detail: `format ${show(after)} added`, tightens: true, loosens: false });
  else if (after === undefined)
    add({ kind: 'format-removed', detail: `format ${show(before)} removed`, tightens: false, loosens: true });
  else
    add({
      kind: 'format-changed',
      detail: `format ${show(before)} became ${show(after)}`,
      tightens: true,
      loosens: true,
    });
}

function diffBounds(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  for (const keyword of BOUNDS) {
    const before = base[keyword];
    const after = current[keyword];
    if (before === after) continue;
    const lower = LOWER_BOUNDS.includes(keyword);
    const stricter =
      before === undefined ||
      (after !== undefined && (lower ? Number(after) > Number(before) : Number(after) < Number(before)));
    const detail =
      before === undefined
        ? `${keyword} ${show(after)} added`
        : after === undefined
          ? `${keyword} ${show(before)} removed`
          : `${keyword} ${show(before)} became ${show(after)}`;
    add({
      kind: stricter ? 'constraint-tightened' : 'constraint-relaxed',
      detail,
      tightens: stricter,
      loosens: !stricter,
    });
  }
}

/**
 * Any other keyword: in draft 07 every assertion keyword is one more condition a payload must
 * meet, so one that appears tightens, one that disappears loosens, and one that changes may do
 * both. Annotations change nothing on the wire.
 */
function diffOtherKeywords(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  const keywords = [...new Set([...Object.keys(base), ...Object.keys(current)])].sort();
  for (const keyword of keywords) {
    const before = base[keyword];
    const after = current[keyword];
    if (UNDERSTOOD.has(keyword) || BOUNDS.has(keyword) || isDeepStrictEqual(before, after)) continue;
    const below = [keyword];
    if (ANNOTATIONS.has(keyword))
      add({
        kind: 'annotation-changed',
        detail: `${keyword} changed`,
        tightens: false,
        loosens: false,
        harmless: DOCUMENTATION_ONLY,
        below,
      });
    else if (before === undefined)
      add({ kind: 'keyword-added', detail: `${keyword} ${show(after)} added`, tightens: true, loosens: false, below });
    else if (after === undefined)
      add({
        kind: 'keyword-removed',
        detail: `${keyword} ${show(before)} removed`,
        tightens: false,
        loosens: true,
        below,
      });
    else
      add({
        kind: 'keyword-changed',
        detail: `${keyword} ${show(before)} became ${show(after)}`,
        tightens: true,
        loosens: true,
        below,
      });
  }
}

/** `items` as one schema for every element; absent is `{}`. A list of schemas (a tuple) is compared as a whole. */
function diffItems(base: JsonSchema, current: JsonSchema, path: string[]): SchemaChange[] {
  const before = base['items'];
  const after = current['items'];
  if (isDeepStrictEqual(before, after)) return [];
  const at = [...path, 'items'];
  if ((before === undefined || isSchema(before)) && (after === undefined || isSchema(after)))
    return diffSchemas(before ?? {}, after ?? {}, at);
  return [
    {
      kind: 'keyword-changed',
      path: at,
      detail: `items ${before === undefined ? 'absent' : show(before)} became ${after === undefined ? 'absent' : show(after)}`,
      tightens: true,
      loosens: true,
    },
  ];
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = schema['properties'];
  return isSchema(properties) ? (properties as Record<string, JsonSchema>) : {};
}

function requiredOf(schema: JsonSchema): Set<string> {
  const required = schema['required'];
  return new Set(Array.isArray(required) ? required.map(String) : []);
}

/** Senders may not add properties the schema does not declare. */
function isClosed(schema: JsonSchema): boolean {
  return schema['additionalProperties'] === false;
}

/** A schema for undeclared properties that receivers check (`false` is ignored by tolerant readers). */
function checksUndeclared(schema: JsonSchema): boolean {
  return isSchema(schema['additionalProperties']);
}

function diffObjectShape(base: JsonSchema, current: JsonSchema, path: string[]): SchemaChange[] {
  const found: SchemaChange[] = [];
  const before = propertiesOf(base);
  const after = propertiesOf(current);
  const requiredBefore = requiredOf(base);
  const requiredAfter = requiredOf(current);
  const names = [
    ...new Set([...Object.keys(before), ...requiredBefore, ...Object.keys(after), ...requiredAfter]),
  ].sort();
  for (const name of names) {
    const at = [...path, 'properties', name];
    const wasThere = name in before || requiredBefore.has(name);
    const isThere = name in after || requiredAfter.has(name);
    if (wasThere && !isThere) {
      // Senders on the new contract may still send it (unless closed), unchecked; receivers on the base expect it as it was.
      const loosens = requiredBefore.has(name) || !isClosed(current);
      const tightens = checksUndeclared(current);
      found.push({
        kind: 'property-removed',
        path: at,
        detail: `"${name}" was removed`,
        tightens,
        loosens,
        ...(tightens || loosens
          ? {}
          : { harmless: `${READERS_IGNORE_UNKNOWN}, and senders on the new contract no longer send it` }),
      });
    } else if (!wasThere && isThere) {
      const required = requiredAfter.has(name);
      // An open base let senders send this name with any value; a base that checks undeclared properties rejects it.
      const tightens = required || !isClosed(base);
      const loosens = checksUndeclared(base);
      found.push({
        kind: required ? 'required-property-added' : 'optional-property-added',
        path: at,
        detail: `"${name}" was added${required ? ' as required' : ''}`,
        tightens,
        loosens,
        ...(tightens || loosens
          ? {}
          : { harmless: `${READERS_IGNORE_UNKNOWN}, and senders on the base contract could not send it` }),
      });
    } else {
      if (!requiredBefore.has(name) && requiredAfter.has(name)) {
        found.push({
          kind: 'made-required',
          path: at,
          detail: `"${name}" is now required`,
          tightens: true,
          loosens: false,
        });
      }
      if (requiredBefore.has(name) && !requiredAfter.has(name)) {
        found.push({
          kind: 'made-optional',
          path: at,
          detail: `"${name}" is now optional`,
          tightens: false,
          loosens: true,
        });
      }
      found.push(...diffSchemas(before[name] ?? {}, after[name] ?? {}, at));
    }
  }
  found.push(...diffAdditionalProperties(base, current, path));
  return found;
}

/**
 * Undeclared properties: `false` binds senders only (receivers ignore them), so closing or opening
 * a schema is harmless; where both sides let senders add them, their schemas are compared.
 */
function diffAdditionalProperties(base: JsonSchema, current: JsonSchema, path: string[]): SchemaChange[] {
  const at = [...path, 'additionalProperties'];
  if (!isClosed(base) && isClosed(current)) {
    return [
      {
        kind: 'additional-properties-closed',
        path: at,
        detail: 'senders may no longer add undeclared properties',
        tightens: false,
        loosens: false,
        harmless: READERS_IGNORE_UNKNOWN,
      },
    ];
  }
  if (isClosed(base) && !isClosed(current)) {
    return [
      {
        kind: 'additional-properties-opened',
        path: at,
        detail: 'senders may now add undeclared properties',
        tightens: false,
        loosens: false,
        harmless: READERS_IGNORE_UNKNOWN,
      },
    ];
  }
  if (isClosed(base) || isClosed(current)) return [];
  const before = base['additionalProperties'];
  const after = current['additionalProperties'];
  if (isDeepStrictEqual(before, after)) return [];
  return diffSchemas(isSchema(before) ? before : {}, isSchema(after) ? after : {}, at);
}
