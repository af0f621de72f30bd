/**
 * Each service's facade in generated/ exposes exactly what the contract grants it, derived from
 * the model of asyncapi.yaml (so adding an event or an RPC changes nothing here): `bus.publish`
 * has one method per channel the service publishes and does not exist when it publishes nothing,
 * `bus.call` likewise for the RPCs it calls, and its handlers type requires exactly its consumers
 * and RPC servers (and does not exist when it has neither). A probe file, never written to disk,
 * is type-checked against generated/; only the TypeScript error's line is read, not its wording.
 */
import { resolve } from 'node:path';
import type ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { pascalCase } from '../../generator/emit/names.js';
import { loadModel } from '../../generator/load/load-model.js';
import type { Model, Service } from '../../generator/model/types.js';
import { formatDiagnostics, typeCheck } from './typecheck.js';

const REPO = resolve(import.meta.dirname, '../..');
const PROBE = resolve(import.meta.dirname, 'facade-members.probe.ts');

interface Probe {
  /** What the line claims, e.g. `matching-service: bus.publish has matchFound, matchRequested`. */
  claim: string;
  line: string;
  /** The line names a member that must not exist, so it must not compile. */
  fails?: true;
}

/** One probe line per member: a record whose keys must be exactly the contract's, or the member alone when it must not exist. */
function probesOf(service: Service, index: number): Probe[] {
  const facade = `s${index}`;
  const type = (suffix: string) => `${facade}.${pascalCase(service.name)}${suffix}`;
  const keys = (names: string[]) => `{ ${names.map((name) => `${name}: true`).join(', ')} }`;
  const member = (what: string, names: string[], present: string, absent: string): Probe =>
    names.length > 0
      ? {
          claim: `${service.name}: ${what} has ${names.join(', ')}`,
          line: `export const ${facade}${what.replace(/\W/g, '')}: Record<keyof ${present}, true> = ${keys(names)};`,
        }
      : { claim: `${service.name}: no ${what}`, line: absent, fails: true };
  const names = (uses: { methodName: string }[]) => uses.map((use) => use.methodName);
  return [
    {
      claim: `${service.name}: the facade module`,
      line: `import type * as ${facade} from '../../generated/services/${service.name}.js';`,
    },
    { claim: `${service.name}: the bus type`, line: `declare const ${facade}bus: ${type('Bus')};` },
    member(
      'bus.publish',
      names(service.publishes),
      `typeof ${facade}bus.publish`,
      `export const ${facade}publish = ${facade}bus.publish;`,
    ),
    member(
      'bus.call',
      names(service.calls),
      `typeof ${facade}bus.call`,
      `export const ${facade}call = ${facade}bus.call;`,
    ),
    member(
      'handlers',
      [...names(service.consumes), ...names(service.serves)].sort(),
      type('Handlers'),
      `export type ${facade}handlers = ${type('Handlers')};`,
    ),
  ];
}

/** The claim each line makes, or what the compiler said against it. */
function verdicts(probes: Probe[], diagnostics: ts.Diagnostic[]): string[] {
  const lineOf = (diagnostic: ts.Diagnostic) =>
    diagnostic.file === undefined || diagnostic.start === undefined
      ? -1
      : diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line;
  return probes.map(({ claim, fails }, line) => {
    const against = diagnostics.filter((diagnostic) => lineOf(diagnostic) === line);
    if (fails) return against.length > 0 ? claim : `${claim}, but it exists`;
    return against.length === 0 ? claim : `${claim}, but: ${formatDiagnostics(against).join('; ')}`;
  });
}

let model: Model;
beforeAll(async () => {
  const result = await loadModel(resolve(REPO, 'asyncapi.yaml'));
  if ('diagnostics' in result)
    throw new Error(`asyncapi.yaml does not load:\n${JSON.stringify(result.diagnostics, null, 2)}`);
  model = result.model;
});

describe("the generated facades' members", () => {
  it('are exactly what the contract grants each service', () => {
    const probes = model.services.flatMap(probesOf);
    const text = probes.map((probe) => probe.line).join('\n');
    const diagnostics = typeCheck([PROBE], new Map([[PROBE, text]])).filter(
      (diagnostic) => diagnostic.file?.fileName === PROBE,
    );
    expect(verdicts(probes, diagnostics)).toEqual(probes.map((probe) => probe.claim));
  });
});
