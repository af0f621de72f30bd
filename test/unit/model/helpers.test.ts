import { describe, expect, it } from 'vitest';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../../../generator/diagnostics.js';
import { closestMatch, editDistance } from '../../../generator/did-you-mean.js';
import {
  isCamelCaseIdentifier,
  isPascalCaseIdentifier,
  toCamelCase,
  toPascalCase,
} from '../../../generator/model/naming.js';
import { retryPolicy } from '../../../generator/model/retry.js';
import {
  bindingPattern,
  partialParameterSegments,
  routingKeyParameters,
} from '../../../generator/model/routing-key.js';

describe('retryPolicy', () => {
  const cases: [name: string, given: Parameters<typeof retryPolicy>[0], want: number[]][] = [
    ['one attempt: no delay', { attempts: 1, initialDelayMs: 0, multiplier: 1, maxDelayMs: 0 }, []],
    ['doubling', { attempts: 5, initialDelayMs: 1000, multiplier: 2, maxDelayMs: 30000 }, [1000, 2000, 4000, 8000]],
    ['capped', { attempts: 5, initialDelayMs: 1000, multiplier: 3, maxDelayMs: 5000 }, [1000, 3000, 5000, 5000]],
    ['constant', { attempts: 3, initialDelayMs: 250, multiplier: 1, maxDelayMs: 250 }, [250, 250]],
    [
      'fractional multiplier rounds to whole ms',
      { attempts: 3, initialDelayMs: 100, multiplier: 1.5, maxDelayMs: 1000 },
      [100, 150],
    ],
  ];
  it.each(cases)('%s', (_name, given, want) => {
    expect(retryPolicy(given).delaysMs).toEqual(want);
  });
});

describe('routing keys', () => {
  const cases: [template: string, want: { parameters: string[]; pattern: string; partial: string[] }][] = [
    ['user.created', { parameters: [], pattern: 'user.created', partial: [] }],
    [
      'session.{session_id}.code_updated',
      { parameters: ['session_id'], pattern: 'session.*.code_updated', partial: [] },
    ],
    ['org.{org}.room.{room}', { parameters: ['org', 'room'], pattern: 'org.*.room.*', partial: [] }],
    ['user-{id}.created', { parameters: ['id'], pattern: 'user-*.created', partial: ['user-{id}'] }],
  ];
  it.each(cases)('%s', (template, want) => {
    expect({
      parameters: routingKeyParameters(template),
      pattern: bindingPattern(template),
      partial: partialParameterSegments(template),
    }).toEqual(want);
  });
});

describe('did you mean', () => {
  const cases: [word: string, candidates: string[], want: string | undefined][] = [
    ['x-servce', ['x-service', 'x-queue'], 'x-service'],
    ['X-Queue', ['x-service', 'x-queue'], 'x-queue'],
    ['prefech', ['name', 'prefetch', 'retry'], 'prefetch'],
    ['x-retention', ['x-service', 'x-queue'], undefined],
    ['anything', [], undefined],
  ];
  it.each(cases)('%s', (word, candidates, want) => {
    expect(closestMatch(word, candidates)).toBe(want);
  });

  it('edit distance counts insertions, deletions and substitutions', () => {
    expect([editDistance('', 'abc'), editDistance('kitten', 'sitting'), editDistance('same', 'same')]).toEqual([
      3, 3, 0,
    ]);
  });
});

describe('names', () => {
  const cases: [given: string, want: { camel: boolean; pascal: boolean; toCamel: string; toPascal: string }][] = [
    ['userCreated', { camel: true, pascal: false, toCamel: 'userCreated', toPascal: 'UserCreated' }],
    ['UserCreated', { camel: false, pascal: true, toCamel: 'userCreated', toPascal: 'UserCreated' }],
    ['user-created', { camel: false, pascal: false, toCamel: 'userCreated', toPascal: 'UserCreated' }],
    ['user_profile.get', { camel: false, pascal: false, toCamel: 'userProfileGet', toPascal: 'UserProfileGet' }],
  ];
  it.each(cases)('%s', (given, want) => {
    expect({
      camel: isCamelCaseIdentifier(given),
      pascal: isPascalCaseIdentifier(given),
      toCamel: toCamelCase(given),
      toPascal: toPascalCase(given),
    }).toEqual(want);
  });
});

describe('diagnostics', () => {
  const unknownKey: Diagnostic = {
    code: 'unknown-extension',
    message: 'unknown key "x-servce" on operation "publishUserCreated"',
    hint: 'did you mean "x-service"? Known keys here: x-service, x-queue',
    file: 'asyncapi.yaml',
    line: 42,
    column: 7,
  };

  it('formats as file:line:column, severity, code, message and an indented hint', () => {
    expect(formatDiagnostic(unknownKey)).toBe(
      'asyncapi.yaml:42:7 error unknown-extension: unknown key "x-servce" on operation "publishUserCreated"\n  hint: did you mean "x-service"? Known keys here: x-service, x-queue',
    );
  });

  it('formats without a hint line when there is no hint', () => {
    const { hint: _hint, ...withoutHint } = unknownKey;
    expect(formatDiagnostic(withoutHint)).toBe(
      'asyncapi.yaml:42:7 error unknown-extension: unknown key "x-servce" on operation "publishUserCreated"',
    );
  });

  it('sorts by position and drops exact duplicates', () => {
    const at = (line: number, column: number): Diagnostic => ({ ...unknownKey, line, column });
    expect(sortDiagnostics([at(42, 7), at(3, 1), at(42, 2), at(3, 1)]).map((d) => [d.line, d.column])).toEqual([
      [3, 1],
      [42, 2],
      [42, 7],
    ]);
  });
});
