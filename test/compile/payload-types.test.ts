/**
 * generated/payloads.ts as the compiler sees it: each named schema of the contract is one exported
 * type, and the types that use it refer to that declaration instead of a copy of its shape.
 */
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelOrThrow } from '../../generator/load/load-model.js';
import type { Model } from '../../generator/model/types.js';
import { createProgram, formatDiagnostics } from './typecheck.js';

const REPO = resolve(import.meta.dirname, '../..');
const PAYLOADS = join(REPO, 'generated/payloads.ts');

let model: Model;
let program: ts.Program;
let payloads: ts.SourceFile;

beforeAll(async () => {
  model = await loadModelOrThrow(join(REPO, 'asyncapi.yaml'));
  program = createProgram([PAYLOADS]);
  const sourceFile = program.getSourceFile(PAYLOADS);
  if (sourceFile === undefined) throw new Error('generated/payloads.ts is not in the program');
  payloads = sourceFile;
});

/** The exported type or interface declarations of payloads.ts, by name. */
function declarations(): Map<string, (ts.InterfaceDeclaration | ts.TypeAliasDeclaration)[]> {
  const byName = new Map<string, (ts.InterfaceDeclaration | ts.TypeAliasDeclaration)[]>();
  for (const statement of payloads.statements) {
    if (!ts.isInterfaceDeclaration(statement) && !ts.isTypeAliasDeclaration(statement)) continue;
    byName.set(statement.name.text, [...(byName.get(statement.name.text) ?? []), statement]);
  }
  return byName;
}

/** The declaration the type of `type.property` refers to, as `file#Name`, when it is a named type. */
function referencedDeclaration(type: string, property: string): string | undefined {
  const declaration = declarations().get(type)?.[0];
  if (declaration === undefined || !ts.isInterfaceDeclaration(declaration)) throw new Error(`no interface ${type}`);
  const member = declaration.members.find(
    (each) => ts.isPropertySignature(each) && each.name.getText(payloads) === property,
  );
  if (
    member === undefined ||
    !ts.isPropertySignature(member) ||
    member.type === undefined ||
    !ts.isTypeReferenceNode(member.type)
  )
    return undefined;
  const target = program.getTypeChecker().getSymbolAtLocation(member.type.typeName)?.declarations?.[0];
  return target === undefined
    ? undefined
    : `${target.getSourceFile().fileName === PAYLOADS ? 'payloads.ts' : target.getSourceFile().fileName}#${(target as ts.NamedDeclaration).name?.getText()}`;
}

describe('generated/payloads.ts', () => {
  it('type-checks', () => {
    expect(formatDiagnostics(ts.getPreEmitDiagnostics(program, payloads))).toEqual([]);
  });

  it('exports each named schema and each message payload exactly once', () => {
    const byName = declarations();
    const names = [...model.schemas.map((schema) => schema.name), ...model.messages.map((message) => message.typeName)];
    for (const name of names) expect(byName.get(name)?.length, name).toBe(1);
    expect([...byName.keys()].sort()).toEqual([...new Set(names)].sort());
    for (const [, [declaration]] of byName)
      expect(declaration?.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)).toBe(true);
  });

  it.each([
    ['MatchFound', 'question', 'MatchedQuestion'],
    ['MatchFound', 'occurred_at', 'Timestamp'],
    ['MatchedUser', 'user_id', 'UserId'],
    ['MatchedQuestion', 'difficulty', 'Difficulty'],
    ['MatchRequested', 'difficulty', 'Difficulty'],
    ['QuestionPickRequest', 'topics', 'Topics'],
    ['Question', 'topics', 'Topics'],
    ['UserCreated', 'user_id', 'UserId'],
  ])('%s.%s is the named type %s', (type, property, named) => {
    expect(referencedDeclaration(type, property)).toBe(`payloads.ts#${named}`);
  });
});
