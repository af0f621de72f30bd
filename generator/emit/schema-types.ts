/**
 * JSON Schema as TypeScript types, written with ts-morph's code writer so that payload types
 * print in the style of every other generated file. A named schema (`$ref` to a component) is
 * its type's name; everything else is written out in place.
 */
import type { CodeBlockWriter } from 'ts-morph';
import { isObject } from '../model/json.js';
import { referencedComponent } from '../model/schema-components.js';
import type { JsonSchema } from '../model/types.js';
import { jsDoc, paragraphs } from './docs.js';
import { propertyName, quote } from './names.js';

type Writer = CodeBlockWriter;

/** The JSDoc a (sub)schema carries: its description (or title) and its `format`. */
export function schemaDoc(schema: JsonSchema, ...lead: (string | undefined)[]): string {
  const format = text(schema['format']);
  return paragraphs(
    ...lead,
    text(schema['description']) ?? text(schema['title']),
    format === undefined ? undefined : `@format ${format}`,
  );
}

/**
 * Whether the schema reads as an object type of its own (members, and nothing else to combine),
 * which a declaration prints as an interface.
 */
export function isPlainObject(schema: JsonSchema): boolean {
  return (
    typeOf(schema) === 'object' &&
    hasMembers(schema) &&
    !COMBINERS.some((keyword) => keyword in schema) &&
    !('const' in schema) &&
    !('enum' in schema)
  );
}

/** `{ ...members }`: the members of an object schema, as an interface body or an object type. */
export function writeObjectBody(writer: Writer, schema: JsonSchema): void {
  const properties = isObject(schema['properties']) ? Object.entries(schema['properties']) : [];
  const required = new Set(Array.isArray(schema['required']) ? schema['required'] : []);
  const index = indexSignature(schema, properties.length > 0);
  writer.inlineBlock(() => {
    for (const [name, property] of properties) {
      const subschema = asSchema(property);
      const doc = referencedComponent(subschema) === undefined ? schemaDoc(subschema) : '';
      if (doc.length > 0) writer.writeLine(jsDoc(doc));
      writer.write(`${propertyName(name)}${required.has(name) ? '' : '?'}: `);
      writeType(writer, subschema);
      writer.write(';').newLine();
    }
    if (index !== undefined) {
      writer.write('[k: string]: ');
      writeType(writer, index);
      writer.write(';').newLine();
    }
  });
}

/** The type a value matching `schema` has. */
export function writeType(writer: Writer, schema: JsonSchema): void {
  writeUnion(writer, alternatives(schema), false);
}

const COMBINERS = ['anyOf', 'oneOf', 'allOf'];

/** A type to write, and whether it needs parentheses as an array element or inside `A & B`. */
interface Part {
  write: (writer: Writer) => void;
  compound: boolean;
}

/** A union (outer list) of intersections (inner lists). */
type Union = Part[][];

function writeUnion(writer: Writer, union: Union, nested: boolean): void {
  const parenthesise = nested && union.length > 1;
  if (parenthesise) writer.write('(');
  union.forEach((intersection, i) => {
    if (i > 0) writer.write(' | ');
    writeIntersection(writer, intersection, nested || union.length > 1);
  });
  if (parenthesise) writer.write(')');
}

function writeIntersection(writer: Writer, parts: Part[], nested: boolean): void {
  const parenthesise = nested && parts.length > 1;
  if (parenthesise) writer.write('(');
  parts.forEach((part, i) => {
    if (i > 0) writer.write(' & ');
    const wrap = part.compound && parts.length > 1;
    if (wrap) writer.write('(');
    part.write(writer);
    if (wrap) writer.write(')');
  });
  if (parenthesise) writer.write(')');
}

/** The schema's type as a union of intersections. */
function alternatives(schema: JsonSchema): Union {
  const named = referencedComponent(schema);
  if (named !== undefined) return [[simple(named)]];
  if ('const' in schema) return [[simple(literal(schema['const']))]];
  if (Array.isArray(schema['enum'])) return schema['enum'].map((value) => [simple(literal(value))]);
  const combined: Part[] = [];
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = schema[keyword];
    if (Array.isArray(options)) combined.push(unionPart(options.flatMap((option) => alternatives(asSchema(option)))));
  }
  const all = schema['allOf'];
  if (Array.isArray(all)) combined.push(...all.map((part) => unionPart(alternatives(asSchema(part)))));
  const base = baseParts(schema);
  if (combined.length === 0) return base.length === 0 ? [[simple('unknown')]] : base.map((part) => [part]);
  return base.length === 0 ? [combined] : [[unionPart(base.map((part) => [part])), ...combined]];
}

/** A union as one part of an intersection. */
function unionPart(union: Union): Part {
  return {
    write: (writer) => writeUnion(writer, union, false),
    compound: union.length > 1 || union.some((parts) => parts.length > 1),
  };
}

/** The parts the schema's own `type` (or, without one, its properties or items) gives. */
function baseParts(schema: JsonSchema): Part[] {
  const types = Array.isArray(schema['type'])
    ? schema['type'].map(String)
    : [typeOf(schema)].flatMap((type) => (type === undefined ? [] : [type]));
  return types.map((type) => {
    if (type === 'object') return { write: (writer) => writeObjectType(writer, schema), compound: false };
    if (type === 'array') return { write: (writer) => writeArray(writer, schema), compound: false };
    return simple(PRIMITIVES[type] ?? 'unknown');
  });
}

const PRIMITIVES: Record<string, string> = {
  string: 'string',
  number: 'number',
  integer: 'number',
  boolean: 'boolean',
  null: 'null',
};

function typeOf(schema: JsonSchema): string | undefined {
  if (typeof schema['type'] === 'string') return schema['type'];
  if ('properties' in schema || 'additionalProperties' in schema || 'patternProperties' in schema) return 'object';
  if ('items' in schema) return 'array';
  return undefined;
}

/** An object type; one that names no properties and takes no others is `Record<string, never>`. */
function writeObjectType(writer: Writer, schema: JsonSchema): void {
  if (!hasMembers(schema)) {
    writer.write('Record<string, never>');
    return;
  }
  writeObjectBody(writer, schema);
}

function hasMembers(schema: JsonSchema): boolean {
  return (
    (isObject(schema['properties']) && Object.keys(schema['properties']).length > 0) ||
    indexSignature(schema, false) !== undefined
  );
}

/**
 * `T[]`, or a tuple where the bounds say more: `[T, T]` for exactly two, `[T, ...T[]]` for at
 * least one (a range is not expanded into a union of tuples).
 */
function writeArray(writer: Writer, schema: JsonSchema): void {
  const items = schema['items'];
  if (Array.isArray(items)) {
    const rest = schema['additionalItems'];
    writeTuple(writer, items.map(asSchema), rest === false ? undefined : asSchema(rest));
    return;
  }
  const item = asSchema(items);
  const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
  const max = typeof schema['maxItems'] === 'number' ? schema['maxItems'] : undefined;
  if (min === 0 && max !== 0) {
    writeElements(writer, item);
    return;
  }
  writeTuple(
    writer,
    Array.from({ length: min }, () => item),
    max === min ? undefined : item,
  );
}

function writeTuple(writer: Writer, items: JsonSchema[], rest: JsonSchema | undefined): void {
  writer.write('[');
  items.forEach((item, i) => {
    if (i > 0) writer.write(', ');
    writeType(writer, item);
  });
  if (rest !== undefined) {
    writer.write(items.length > 0 ? ', ...' : '...');
    writeElements(writer, rest);
  }
  writer.write(']');
}

function writeElements(writer: Writer, item: JsonSchema): void {
  writeUnion(writer, alternatives(item), true);
  writer.write('[]');
}

/**
 * The index signature's value type, when the object takes properties it does not name. Closed
 * unless the schema says otherwise (`additionalProperties: true`, a schema, or
 * `patternProperties`): a typo in a published payload is a compile error. With named properties
 * the value is `unknown`, which every property type fits.
 */
function indexSignature(schema: JsonSchema, named: boolean): JsonSchema | undefined {
  const additional = schema['additionalProperties'];
  if (isObject(additional) && !named) return additional;
  if (additional === true || isObject(additional) || 'patternProperties' in schema) return {};
  return undefined;
}

function simple(type: string): Part {
  return { write: (writer) => writer.write(type), compound: false };
}

function literal(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return 'unknown';
}

function asSchema(value: unknown): JsonSchema {
  return isObject(value) ? value : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
