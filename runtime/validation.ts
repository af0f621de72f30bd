/** Checking a payload against its message's validator, the one way the runtime and services do it. */
import type { ServiceDefinition, Validator } from './definition.js';
import { UnknownOperationError, ValidationError } from './errors.js';

/** Throws a `ValidationError` listing every violation unless `payload` is a valid `message`. */
export function assertValid<Payload>(
  validate: Validator<Payload>,
  message: string,
  payload: unknown,
): asserts payload is Payload {
  if (!validate(payload)) throw new ValidationError(message, [...(validate.errors ?? [])]);
}

/** For a payload kept to be published later (an outbox): throws unless `definition`'s `publisher` would send it. */
export function assertPublishable(definition: ServiceDefinition, publisher: string, payload: unknown): void {
  const spec = definition.publishers.find((candidate) => candidate.name === publisher);
  if (!spec) throw new UnknownOperationError('publisher', publisher);
  assertValid(spec.validate, spec.message, payload);
}
