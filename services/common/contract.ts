/** Checks a payload against the contract before it is stored for publishing later. */
import { ValidationError, type ServiceDefinition } from '../../runtime/index.js';

export function assertPublishable(definition: ServiceDefinition, publisher: string, payload: unknown): void {
  const spec = definition.publishers.find((candidate) => candidate.name === publisher);
  if (!spec) throw new Error(`${definition.service} has no publisher "${publisher}"`);
  if (!spec.validate(payload)) throw new ValidationError(spec.message, [...(spec.validate.errors ?? [])]);
}
