import { IndentationText, NewLineKind, Project, QuoteKind, type OptionalKind, type SourceFileStructure } from 'ts-morph';
import type { GeneratedFile } from './generated-file.js';
import { GENERATED_HEADER } from './header.js';

/** Prints ts-morph source-file structures as generated TypeScript files, each under the header. */
export type SourceFilePrinter = (path: string, structure: OptionalKind<SourceFileStructure>) => GeneratedFile;

export interface PrinterOptions {
  /**
   * Re-indent with the TypeScript formatter: for text from elsewhere (json-schema-to-typescript)
   * that ts-morph does not indent. Structures print indented already, and formatting is slow.
   */
  format?: boolean;
}

export function createSourceFilePrinter({ format = false }: PrinterOptions = {}): SourceFilePrinter {
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
    if (format) sourceFile.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
    const content = sourceFile.getFullText();
    project.removeSourceFile(sourceFile);
    return { path, content };
  };
}
