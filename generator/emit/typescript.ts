import { IndentationText, NewLineKind, Project, QuoteKind, type OptionalKind, type SourceFileStructure } from 'ts-morph';
import type { GeneratedFile } from './generated-file.js';
import { GENERATED_HEADER } from './header.js';

/**
 * Prints ts-morph source-file structures as generated TypeScript files, each under the header:
 * every generated `.ts` file goes through it, so they share one style.
 */
export type SourceFilePrinter = (path: string, structure: OptionalKind<SourceFileStructure>) => GeneratedFile;

export function createSourceFilePrinter(): SourceFilePrinter {
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: {
      indentationText: IndentationText.TwoSpaces,
      newLineKind: NewLineKind.LineFeed,
      quoteKind: QuoteKind.Single,
      useTrailingCommas: true,
    },
  });
  return (path, structure) => {
    const sourceFile = project.createSourceFile(path, { ...structure, leadingTrivia: `${GENERATED_HEADER}\n\n` }, { overwrite: true });
    const content = sourceFile.getFullText();
    project.removeSourceFile(sourceFile);
    return { path, content };
  };
}
