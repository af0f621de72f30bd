import type { ErrorObject, ValidateFunction } from 'ajv';
import type { PayloadSchemaCompiler } from './ajv.js';
import { isObject } from './json.js';
import type { JsonPath, Problems } from './problem.js';
import { SchemaComponents } from './schema-components.js';
import type { JsonSchema } from './types.js';

/**
 * A copy of a resolved schema without the parser's `x-parser-*` annotations (strict ajv rejects
 * them), keys in written order, each named schema (`components.schemas`) registered in
 * `components` and replaced by a reference to it: the payload itself too, when it is one.
 * `undefined` (after a report) when the schema refers to itself: a recursive schema cannot be
 * inlined.
 */
export function cleanSchema(
  schema: unknown,
  path: JsonPath,
  problems: Problems,
  components: SchemaComponents,
): JsonSchema | undefined {
  let recursive = false;
  const ancestors = new Set<unknown>();
  const copyBody = (value: object, at: JsonPath): unknown => {
    ancestors.add(value);
    const result = Array.isArray(value)
      ? value.map((item, i) => copy(item, [...at, i]))
      : Object.fromEntries(
          Object.entries(value)
            .filter(([key]) => !key.startsWith('x-parser-'))
            .map(([key, item]) => [key, copy(item, [...at, key])]),
        );
    ancestors.delete(value);
    return result;
  };
  const copy = (value: unknown, at: JsonPath): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if (ancestors.has(value)) {
      if (!recursive)
        problems.add(
          at,
          'recursive-schema',
          'the payload schema refers to itself',
          'recursive schemas cannot be inlined into generated types: flatten it or bound the depth',
        );
      recursive = true;
      return undefined;
    }
    const name = SchemaComponents.nameOf(value);
    if (name === undefined) return copyBody(value, at);
    return components.refer(name, value, () => {
      const body = copyBody(value, at);
      return isObject(body) ? body : undefined;
    });
  };
  const cleaned = copy(schema, path);
  if (recursive) return undefined;
  if (!isObject(cleaned)) {
    problems.add(
      path,
      'invalid-payload-schema',
      'the payload must be a JSON Schema object',
      'write the payload as a schema mapping, e.g. type: object',
    );
    return undefined;
  }
  return cleaned;
}

/** Compiles a payload schema the way the generated validators will be; reports why it cannot be. */
export function compilePayloadSchema(
  compiler: PayloadSchemaCompiler,
  schema: JsonSchema,
  path: JsonPath,
  messageName: string,
  problems: Problems,
): ValidateFunction | undefined {
  const hint = 'payload schemas are compiled by ajv 8 in strict mode (JSON Schema draft-07 plus formats)';
  const compiled = compiler.compile(schema);
  if ('validate' in compiled) return compiled.validate;
  if ('schemaErrors' in compiled) {
    for (const error of compiled.schemaErrors) {
      problems.add(
        [...path, ...pointerSegments(error.instancePath)],
        'invalid-payload-schema',
        `payload of message "${messageName}" is not valid JSON Schema: ${error.instancePath || '/'} ${error.message ?? ''}`.trim(),
        hint,
      );
    }
    return undefined;
  }
  problems.add(
    [...path, ...locateCompileError(schema, compiled.compileError)],
    'invalid-payload-schema',
    `payload of message "${messageName}" is not valid JSON Schema: ${compiled.compileError}`,
    hint,
  );
  return undefined;
}

/** Checks one example payload of a message against the message's compiled schema. */
export function checkExample(
  validate: ValidateFunction,
  example: { name: string; payload: unknown },
  payloadPath: JsonPath,
  messageName: string,
  problems: Problems,
): void {
  if (validate(example.payload)) return;
  for (const error of validate.errors ?? []) {
    const { field, reason } = explainViolation(error);
    problems.add(
      [...payloadPath, ...field],
      'example-mismatch',
      `example "${example.name}" of message "${messageName}" does not match its schema: ${field.length === 0 ? 'the payload' : `field "${field.join('.')}"`} ${reason}`,
      `fix the example or the schema (schema rule ${error.schemaPath})`,
    );
  }
}

/** The offending field (as path segments under the payload) and why, worded for a person. */
function explainViolation(error: ErrorObject): { field: string[]; reason: string } {
  const field = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required')
    return { field: [...field, String(params['missingProperty'])], reason: 'is required but missing' };
  if (error.keyword === 'additionalProperties') {
    return {
      field: [...field, String(params['additionalProperty'])],
      reason: 'is not allowed (additionalProperties: false)',
    };
  }
  const allowed = error.keyword === 'enum' ? `: ${JSON.stringify(params['allowedValues'])}` : '';
  return { field, reason: `${error.message ?? 'is invalid'}${allowed}` };
}

/** Where in the schema a strict-mode compile error points, as path segments (empty: the root). */
function locateCompileError(schema: JsonSchema, reason: string): string[] {
  const at = /at "#([^"]*)"/.exec(reason);
  if (at) return pointerSegments(decodeFragment(at[1] ?? ''));
  const keyword = /unknown keyword: "([^"]+)"/.exec(reason);
  return keyword ? (findKey(schema, keyword[1] ?? '') ?? []) : [];
}

function findKey(value: unknown, key: string): string[] | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (!Array.isArray(value) && key in value) return [key];
  for (const [childKey, child] of Object.entries(value)) {
    const found = findKey(child, key);
    if (found) return [childKey, ...found];
  }
  return undefined;
}

/** `/a/b~1c` → `['a', 'b/c']` (JSON Pointer unescaping). */
function pointerSegments(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .replace(/^\//, '')
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** ajv writes schema locations as URI fragments: percent-encoded. */
function decodeFragment(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
