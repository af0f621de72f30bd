/**
 * JSON-schema pieces for HTTP requests. A field that becomes a field of an event takes its schema
 * from the contract (`generated/schemas.ts`), so a request fastify accepts makes an event the
 * contract accepts; these pieces only add what HTTP input needs on top.
 */
import { schemas } from '../../generated/schemas.js';

/** A string other users will see: no control or invisible formatting characters (validation.ts). */
export function text(minLength: number, maxLength: number) {
  return plainText({ type: 'string', minLength, maxLength } as const);
}

/** A string schema that also refuses control and invisible formatting characters (validation.ts). */
export function plainText<Schema extends { type: 'string' }>(schema: Schema) {
  return { ...schema, plainText: true } as const;
}

const uuid = { type: 'string', format: 'uuid' } as const;

/** The contract's `Topics`, each topic plain text. */
export const topics = { ...schemas.Topics, items: plainText(schemas.Topics.items) } as const;

/** Route parameters that are all uuids, e.g. `idParams('user_id')` for `/users/:user_id`. */
export function idParams(...names: string[]) {
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((name) => [name, uuid])),
  } as const;
}
