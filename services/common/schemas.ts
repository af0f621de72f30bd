/**
 * JSON-schema pieces for HTTP requests, as strict as the contract's schemas for the same fields,
 * so a request fastify accepts makes an event the contract accepts.
 */
/** A string other users will see: no control or invisible formatting characters (validation.ts). */
export function text(minLength: number, maxLength: number) {
  return { type: 'string', minLength, maxLength, plainText: true } as const;
}

export const uuid = { type: 'string', format: 'uuid' } as const;

export const difficulty = { type: 'string', enum: ['easy', 'medium', 'hard'] } as const;

export const topics = {
  type: 'array',
  items: text(1, 50),
  minItems: 1,
  maxItems: 10,
  uniqueItems: true,
} as const;

/** Route parameters that are all uuids, e.g. `idParams('user_id')` for `/users/:user_id`. */
export function idParams(...names: string[]) {
  return {
    type: 'object',
    required: names,
    properties: Object.fromEntries(names.map((name) => [name, uuid])),
  } as const;
}
