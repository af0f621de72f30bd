import { describe, expect, it } from 'vitest';
import { Code, printLiteral } from '../../../generator/emit/literal.js';
import { camelCase, pascalCase, propertyName, quote } from '../../../generator/emit/names.js';

describe('names', () => {
  it.each([
    ['matching-service', 'MatchingService', 'matchingService'],
    ['user_profile.get', 'UserProfileGet', 'userProfileGet'],
    ['a', 'A', 'a'],
  ])('%s -> %s / %s', (name, pascal, camel) => {
    expect(pascalCase(name)).toBe(pascal);
    expect(camelCase(name)).toBe(camel);
  });

  it.each([
    ['plain', "'plain'"],
    ["it's", "'it\\'s'"],
    ['back\\slash', "'back\\\\slash'"],
    ['two\nlines', "'two\\nlines'"],
  ])('quote(%j) = %s', (text, want) => {
    expect(quote(text)).toBe(want);
  });

  it.each([
    ['session_id', 'session_id'],
    ['x-queue-type', "'x-queue-type'"],
    ['1st', "'1st'"],
  ])('propertyName(%j) = %s', (name, want) => {
    expect(propertyName(name)).toBe(want);
  });
});

describe('printLiteral', () => {
  it.each([
    ['a string', 'it', "'it'"],
    ['a number', 3, '3'],
    ['a boolean', false, 'false'],
    ['code', new Code('validateX'), 'validateX'],
    ['an empty array', [], '[]'],
    ['an array of scalars', ['a', 1], "['a', 1]"],
    ['a small object', { name: 'q', 'x-ttl': 5, gone: undefined }, "{ name: 'q', 'x-ttl': 5 }"],
    ['a nested object', { list: [{ a: 1 }] }, '{\n  list: [\n    { a: 1 },\n  ],\n}'],
  ])('prints %s', (_case, value, want) => {
    expect(printLiteral(value)).toBe(want);
  });

  it('breaks an object of scalars that would be wider than 100 characters', () => {
    const wide = { first: 'a'.repeat(40), second: 'b'.repeat(40) };
    expect(printLiteral(wide)).toBe(`{\n  first: '${'a'.repeat(40)}',\n  second: '${'b'.repeat(40)}',\n}`);
  });

  it('rejects what has no literal', () => {
    expect(() => printLiteral(null)).toThrow(/no literal/);
  });
});
