/** The schema a tolerant reader validates with; the generated validators and the breaking-change gate share it. */
import { isObject } from './json.js';
import type { JsonSchema } from './types.js';

/**
 * The schema a receiver validates with: the same schema with every `additionalProperties: false`
 * dropped, so unknown properties are ignored while every declared one is still checked. Values
 * of `enum`, `const`, `default` and `examples` are data, not schemas, and are kept as they are.
 */
export function readerSchema(schema: JsonSchema): JsonSchema {
  return openSchema(schema) as JsonSchema;
}

/** Keywords whose value is data, not a schema. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'required']);
/** Keywords whose value maps names (of properties, patterns, definitions) to schemas. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);

function openSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(openSchema);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([keyword, inner]) => !(keyword === 'additionalProperties' && inner === false))
      .map(([keyword, inner]) => [keyword, DATA_KEYWORDS.has(keyword) ? inner : NAME_MAPS.has(keyword) ? openEach(inner) : openSchema(inner)]),
  );
}

function openEach(map: unknown): unknown {
  return isObject(map) ? Object.fromEntries(Object.entries(map).map(([name, schema]) => [name, openSchema(schema)])) : map;
}
