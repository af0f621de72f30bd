/** Rewriting a JSON Schema subschema by subschema, without mistaking data or names for schemas. */
import { isObject, type JsonObject } from './json.js';
import type { JsonSchema } from './types.js';

/** Keywords whose value is data, not a schema. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'required']);
/** Keywords whose value maps names (of properties, patterns, definitions) to schemas. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);

/**
 * A copy of `schema` in which `rewrite` has been applied to every (sub)schema object, innermost
 * first: `rewrite` sees each object with its subschemas already rewritten.
 */
export function rewriteSchema(schema: JsonSchema, rewrite: (schema: JsonObject) => unknown): JsonSchema {
  const result = rewriteValue(schema, rewrite);
  return isObject(result) ? result : {};
}

function rewriteValue(value: unknown, rewrite: (schema: JsonObject) => unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteValue(item, rewrite));
  if (!isObject(value)) return value;
  const children = Object.entries(value).map(([keyword, inner]) => [
    keyword,
    DATA_KEYWORDS.has(keyword)
      ? inner
      : NAME_MAPS.has(keyword)
        ? rewriteEach(inner, rewrite)
        : rewriteValue(inner, rewrite),
  ]);
  return rewrite(Object.fromEntries(children) as JsonObject);
}

function rewriteEach(map: unknown, rewrite: (schema: JsonObject) => unknown): unknown {
  return isObject(map)
    ? Object.fromEntries(Object.entries(map).map(([name, schema]) => [name, rewriteValue(schema, rewrite)]))
    : map;
}
