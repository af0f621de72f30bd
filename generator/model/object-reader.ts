import { didYouMean } from '../did-you-mean.js';
import { isObject, type JsonObject } from './json.js';
import type { JsonPath, Problems } from './problem.js';

/**
 * Reads the fields of one small object of ours (an `x-queue`, a binding's exchange...),
 * reporting unknown keys, missing required keys and wrongly typed values as it goes.
 * Every getter returns `undefined` when the value is absent or wrong, after reporting it.
 */
export class ObjectReader {
  private constructor(
    private readonly value: JsonObject,
    readonly path: JsonPath,
    private readonly label: string,
    private readonly problems: Problems,
  ) {}

  /** `undefined` (after a report) when `value` is not a map. */
  static open(
    value: unknown,
    path: JsonPath,
    label: string,
    knownKeys: readonly string[],
    problems: Problems,
  ): ObjectReader | undefined {
    if (!isObject(value)) {
      problems.add(
        path,
        'invalid-value',
        `${label} must be a mapping, got ${describe(value)}`,
        'write its keys as an indented block of "key: value" lines below it',
      );
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (knownKeys.includes(key)) continue;
      problems.add(
        [...path, key],
        'unknown-key',
        `unknown key "${key}" in ${label}`,
        `${didYouMean(key, knownKeys)}Known keys here: ${knownKeys.join(', ')}`,
      );
    }
    return new ObjectReader(value, path, label, problems);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined;
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  string(key: string, options: { required?: boolean } = {}): string | undefined {
    return this.read(
      key,
      'a non-empty string',
      'some-name',
      (v) => typeof v === 'string' && v.length > 0,
      options.required,
    );
  }

  boolean(key: string): boolean | undefined {
    return this.read(key, 'true or false', 'true', (v) => typeof v === 'boolean');
  }

  integer(key: string, min: number, options: { required?: boolean } = {}): number | undefined {
    return this.read(
      key,
      `an integer >= ${min}`,
      String(min),
      (v) => Number.isInteger(v) && (v as number) >= min,
      options.required,
    );
  }

  number(key: string, min: number, options: { required?: boolean } = {}): number | undefined {
    return this.read(
      key,
      `a number >= ${min}`,
      String(min),
      (v) => typeof v === 'number' && Number.isFinite(v) && v >= min,
      options.required,
    );
  }

  oneOf<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const expected = `one of ${allowed.map((a) => `"${a}"`).join(', ')}`;
    return this.read(key, expected, allowed[0] ?? '', (v) => allowed.includes(v as T), false, allowed);
  }

  /** Reports a rule that involves several fields, at `key` (or at the object when absent). */
  report(key: string | undefined, code: string, message: string, hint?: string): void {
    this.problems.add(key === undefined || !this.has(key) ? this.path : [...this.path, key], code, message, hint);
  }

  private read<T>(
    key: string,
    expected: string,
    /** A valid value, shown in the hint. */
    example: string,
    isValid: (v: unknown) => boolean,
    required = false,
    suggestions: readonly string[] = [],
  ): T | undefined {
    const value = this.value[key];
    if (value === undefined) {
      if (required)
        this.problems.add(
          this.path,
          'invalid-value',
          `${this.label} is missing the required key "${key}"`,
          `add ${key}: <${expected}>`,
        );
      return undefined;
    }
    if (isValid(value)) return value as T;
    const suggestion = typeof value === 'string' ? didYouMean(value, suggestions).trim() : '';
    const hint = suggestion === '' ? `for example "${key}: ${example}"` : suggestion;
    this.problems.add(
      [...this.path, key],
      'invalid-value',
      `${this.label} "${key}" must be ${expected}, got ${describe(value)}`,
      hint,
    );
    return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return JSON.stringify(value);
}
