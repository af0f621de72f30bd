/** The schema a tolerant reader validates with; the generated validators and the breaking-change gate share it. */
import { rewriteSchema } from './schema-walk.js';
import type { JsonSchema } from './types.js';

/**
 * The schema a receiver validates with: the same schema with every `additionalProperties: false`
 * dropped, so unknown properties are ignored while every declared one is still checked. Values
 * of `enum`, `const`, `default` and `examples` are data, not schemas, and are kept as they are.
 * Component references are kept: the reader schema of a component is the component's own.
 */
export function readerSchema(schema: JsonSchema): JsonSchema {
  return rewriteSchema(schema, (subschema) => {
    if (subschema['additionalProperties'] !== false) return subschema;
    const { additionalProperties: _closed, ...open } = subschema;
    return open;
  });
}
