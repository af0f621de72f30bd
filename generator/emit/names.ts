/** Identifier spellings derived from contract names. */

function words(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((word) => word.length > 0);
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** `matching-service` -> `MatchingService`. */
export function pascalCase(name: string): string {
  return words(name).map(capitalise).join('');
}

/** `matching-service` -> `matchingService`. */
export function camelCase(name: string): string {
  const pascal = pascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

/** The exported name of a message's ahead-of-time compiled validator: `validateUserCreated`. */
export function validatorName(typeName: string): string {
  return `validate${typeName}`;
}

/** The exported name of a message's tolerant-reader validator, for what a service receives: `validateReceivedUserCreated`. */
export function receivedValidatorName(typeName: string): string {
  return `validateReceived${typeName}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A string as a single-quoted TypeScript string literal. */
export function quote(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${escaped}'`;
}

/** A property name as written in an object literal or type: bare when it can be, quoted otherwise. */
export function propertyName(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}
