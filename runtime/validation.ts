/** Checking a payload against its message's validator, the one way the runtime and services do it. */
import type { Validator } from './definition.js';
import { ValidationError } from './errors.js';

/** Throws a `ValidationError` listing every violation unless `payload` is a valid `message`. */
export function assertValid<Payload>(validate: Validator<Payload>, message: string, payload: unknown): asserts payload is Payload {
  if (!validate(payload)) throw new ValidationError(message, [...(validate.errors ?? [])]);
}
