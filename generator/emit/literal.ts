import { propertyName, quote } from './names.js';

/** Source text to embed verbatim in a literal, e.g. a reference to an imported validator. */
export class Code {
  constructor(readonly text: string) {}
}

/** Objects of scalars up to this width (indentation included) are printed on one line. */
const ONE_LINE_WIDTH = 100;

function isInline(value: unknown): boolean {
  return typeof value !== 'object' || value instanceof Code;
}

/**
 * Plain data (strings, numbers, booleans, arrays, plain objects, `Code`) as a TypeScript
 * expression: small objects of scalars on one line, anything else one property per line, so
 * that diffs stay readable. Properties whose value is `undefined` are left out; key order is
 * the order given.
 */
export function printLiteral(value: unknown, indent = ''): string {
  if (value instanceof Code) return value.text;
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isInline)) return `[${value.map((item) => printLiteral(item)).join(', ')}]`;
    return `[\n${value.map((item) => `${inner}${printLiteral(item, inner)},\n`).join('')}${indent}]`;
  }
  if (typeof value !== 'object' || value === null) throw new Error(`printLiteral: no literal for ${String(value)}`);
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  const oneLine = `{ ${entries.map(([key, item]) => `${propertyName(key)}: ${printLiteral(item)}`).join(', ')} }`;
  if (entries.every(([, item]) => isInline(item)) && indent.length + oneLine.length <= ONE_LINE_WIDTH) return oneLine;
  const lines = entries.map(([key, item]) => `${inner}${propertyName(key)}: ${printLiteral(item, inner)},\n`);
  return `{\n${lines.join('')}${indent}}`;
}
