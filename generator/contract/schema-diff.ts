/**
 * What changed between two payload schemas (JSON Schema draft 07, `$ref`s inlined, as the model
 * holds them), and what each change does to the set of payloads the schema accepts:
 *
 * - it **tightens** when a payload valid under the base schema may be invalid now: whoever
 *   sends such payloads (or left them in a queue) is rejected by a receiver on the new contract;
 * - it **loosens** when a payload valid now may be invalid under the base schema, or may lack a
 *   guarantee the base gave: a receiver built on the base contract rejects or misreads it.
 *
 * Who breaks depends on the direction the message travels; `classify.ts` decides that.
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
  | 'keyword-changed';

export interface SchemaChange {
  kind: SchemaChangeKind;
  /** JSON pointer segments inside the payload schema: `['properties', 'email']`. */
  path: string[];
  /** One line, what changed: `"email" is now required`. */
  detail: string;
  tightens: boolean;
  loosens: boolean;
}

const ANNOTATIONS = new Set(['description', 'title', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
/** Keywords this module reads itself; any other keyword that differs is a `keyword-changed`. */
const UNDERSTOOD = new Set(['type', 'enum', 'const', 'format', 'properties', 'required', 'additionalProperties', 'items']);
/** Bounds whose larger value accepts less. */
const LOWER_BOUNDS = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'];
/** Bounds whose smaller value accepts less. */
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'];
const BOUNDS = new Set([...LOWER_BOUNDS, ...UPPER_BOUNDS]);

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
  if (isSchema(base['items']) && isSchema(current['items'])) found.push(...diffSchemas(base['items'], current['items'], [...path, 'items']));
  return found;
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}

function typesOf(schema: JsonSchema): string[] | undefined {
  const type = schema['type'];
  if (type === undefined) return undefined;
  return Array.isArray(type) ? type.map(String) : [String(type)];
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
  add({ kind, detail: `type ${show(before ?? 'any')} became ${show(after ?? 'any')}`, tightens: lost, loosens: gained });
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
    add({ kind: 'enum-dropped', detail: `values are no longer limited to ${show(before)}`, tightens: false, loosens: true });
    return;
  }
  const has = (values: unknown[], value: unknown) => values.some((candidate) => isDeepStrictEqual(candidate, value));
  for (const value of before.filter((value) => !has(after, value))) {
    add({ kind: 'enum-value-removed', detail: `value ${show(value)} is no longer allowed`, tightens: true, loosens: false });
  }
  for (const value of after.filter((value) => !has(before, value))) {
    add({ kind: 'enum-value-added', detail: `value ${show(value)} is now allowed`, tightens: false, loosens: true });
  }
}

function diffFormats(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  const before = base['format'];
  const after = current['format'];
  if (before === after) return;
  if (before === undefined) add({ kind: 'format-added', detail: `format ${show(after)} added`, tightens: true, loosens: false });
  else if (after === undefined) add({ kind: 'format-removed', detail: `format ${show(before)} removed`, tightens: false, loosens: true });
  else add({ kind: 'format-changed', detail: `format ${show(before)} became ${show(after)}`, tightens: true, loosens: true });
}

function diffBounds(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  for (const keyword of BOUNDS) {
    const before = base[keyword];
    const after = current[keyword];
    if (before === after) continue;
    const lower = LOWER_BOUNDS.includes(keyword);
    const stricter =
      before === undefined || (after !== undefined && (lower ? Number(after) > Number(before) : Number(after) < Number(before)));
    const detail = `${keyword} ${before === undefined ? 'added' : show(before)} -> ${after === undefined ? 'removed' : show(after)}`;
    add({ kind: stricter ? 'constraint-tightened' : 'constraint-relaxed', detail, tightens: stricter, loosens: !stricter });
  }
}

/** Annotations change nothing on the wire; any other keyword we do not model is judged both ways. */
function diffOtherKeywords(base: JsonSchema, current: JsonSchema, add: (change: Found) => void): void {
  const keywords = [...new Set([...Object.keys(base), ...Object.keys(current)])].sort();
  for (const keyword of keywords) {
    if (UNDERSTOOD.has(keyword) || BOUNDS.has(keyword) || isDeepStrictEqual(base[keyword], current[keyword])) continue;
    const below = [keyword];
    if (ANNOTATIONS.has(keyword)) add({ kind: 'annotation-changed', detail: `${keyword} changed`, tightens: false, loosens: false, below });
    else add({ kind: 'keyword-changed', detail: `${keyword} ${show(base[keyword])} became ${show(current[keyword])}`, tightens: true, loosens: true, below });
  }
}

function propertiesOf(schema: JsonSchema): Record<string, JsonSchema> {
  const properties = schema['properties'];
  return isSchema(properties) ? (properties as Record<string, JsonSchema>) : {};
}

function requiredOf(schema: JsonSchema): Set<string> {
  const required = schema['required'];
  return new Set(Array.isArray(required) ? required.map(String) : []);
}

function isClosed(schema: JsonSchema): boolean {
  return schema['additionalProperties'] === false;
}

function diffObjectShape(base: JsonSchema, current: JsonSchema, path: string[]): SchemaChange[] {
  const found: SchemaChange[] = [];
  const before = propertiesOf(base);
  const after = propertiesOf(current);
  const requiredBefore = requiredOf(base);
  const requiredAfter = requiredOf(current);
  const names = [...new Set([...Object.keys(before), ...requiredBefore, ...Object.keys(after), ...requiredAfter])].sort();
  for (const name of names) {
    const at = [...path, 'properties', name];
    const wasThere = name in before || requiredBefore.has(name);
    const isThere = name in after || requiredAfter.has(name);
    if (wasThere && !isThere) {
      found.push({
        kind: 'property-removed',
        path: at,
        detail: `"${name}" was removed`,
        tightens: isClosed(current),
        loosens: requiredBefore.has(name) || !isClosed(current),
      });
    } else if (!wasThere && isThere) {
      const required = requiredAfter.has(name);
      found.push({
        kind: required ? 'required-property-added' : 'optional-property-added',
        path: at,
        detail: `"${name}" was added${required ? ' as required' : ''}${isClosed(base) ? ' (the base schema rejects unknown properties)' : ''}`,
        tightens: required,
        loosens: required && isClosed(base),
      });
    } else {
      if (!requiredBefore.has(name) && requiredAfter.has(name)) {
        found.push({ kind: 'made-required', path: at, detail: `"${name}" is now required`, tightens: true, loosens: false });
      }
      if (requiredBefore.has(name) && !requiredAfter.has(name)) {
        found.push({ kind: 'made-optional', path: at, detail: `"${name}" is now optional`, tightens: false, loosens: true });
      }
      found.push(...diffSchemas(before[name] ?? {}, after[name] ?? {}, at));
    }
  }
  found.push(...diffAdditionalProperties(base, current, path));
  return found;
}

function diffAdditionalProperties(base: JsonSchema, current: JsonSchema, path: string[]): SchemaChange[] {
  const at = [...path, 'additionalProperties'];
  const before = base['additionalProperties'];
  const after = current['additionalProperties'];
  if (!isClosed(base) && isClosed(current)) {
    return [{ kind: 'additional-properties-closed', path: at, detail: 'unknown properties are now rejected', tightens: true, loosens: false }];
  }
  if (isClosed(base) && !isClosed(current)) {
    return [{ kind: 'additional-properties-opened', path: at, detail: 'unknown properties are now accepted', tightens: false, loosens: true }];
  }
  return isSchema(before) && isSchema(after) ? diffSchemas(before, after, at) : [];
}
