/** Routing-key templates such as `session.{session_id}.code_updated`. */

const PARAMETER = /\{([^{}]*)\}/g;

/** Parameter names in the order they appear. */
export function routingKeyParameters(template: string): string[] {
  return [...template.matchAll(PARAMETER)].map((match) => match[1] ?? '');
}

/** The topic binding pattern: each `{param}` becomes `*`. */
export function bindingPattern(template: string): string {
  return template.replace(PARAMETER, '*');
}

/** Segments where a parameter shares its segment with other text (`user-{id}`), which `*` cannot match. */
export function partialParameterSegments(template: string): string[] {
  return template.split('.').filter((segment) => segment.includes('{') && !/^\{[^{}]*\}$/.test(segment));
}
