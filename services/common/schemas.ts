/**
 * JSON-schema pieces for HTTP requests, as strict as the contract's schemas for the same fields,
 * so a request fastify accepts makes an event the contract accepts.
 */
export const uuid = { type: 'string', format: 'uuid' } as const;

export const difficulty = { type: 'string', enum: ['easy', 'medium', 'hard'] } as const;

export const topics = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 50 },
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
