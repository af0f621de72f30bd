import { printStructure, StructureKind, type OptionalKind, type SourceFileStructure } from 'ts-morph';
import type { GeneratedFile } from './generated-file.js';
import { GENERATED_HEADER } from './header.js';

/**
 * Prints a ts-morph source-file structure as a generated TypeScript file under the header: every
 * generated `.ts` file goes through it, so they share one style. ts-morph's structure printer
 * writes the text straight away; a `Project` would print the same text and then parse it into a
 * syntax tree that nothing here reads.
 */
export function printSourceFile(path: string, structure: OptionalKind<SourceFileStructure>): GeneratedFile {
  const content = printStructure(
    { ...structure, kind: StructureKind.SourceFile, leadingTrivia: `${GENERATED_HEADER}\n\n` },
    { indentNumberOfSpaces: 2, newLine: '\n', useSingleQuote: true },
  );
  return { path, content };
}
