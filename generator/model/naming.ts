/** Name rules for what becomes a TypeScript identifier. */

const CAMEL_CASE_IDENTIFIER = /^[a-z][A-Za-z0-9]*$/;
const PASCAL_CASE_IDENTIFIER = /^[A-Z][A-Za-z0-9]*$/;

export function isCamelCaseIdentifier(name: string): boolean {
  return CAMEL_CASE_IDENTIFIER.test(name);
}

export function isPascalCaseIdentifier(name: string): boolean {
  return PASCAL_CASE_IDENTIFIER.test(name);
}

export function toCamelCase(name: string): string {
  const pascal = toPascalCase(name);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

export function toPascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('')
    .replace(/^[0-9]+/, '');
}
