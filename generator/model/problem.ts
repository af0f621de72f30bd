/** A location in the document: object keys and array indexes from the root. */
export type JsonPath = readonly (string | number)[];

/**
 * A rule violation found while reading the document. It carries a document path rather than a
 * file position so that model building stays pure; the loader maps the path to line and column.
 */
export interface SpecProblem {
  code: string;
  message: string;
  hint?: string;
  path: JsonPath;
}

/** Collects problems; passed to every reader so that one run reports all of them. */
export class Problems {
  readonly list: SpecProblem[] = [];

  add(path: JsonPath, code: string, message: string, hint?: string): void {
    this.list.push(hint === undefined ? { code, message, path } : { code, message, hint, path });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** Reads one of the contract's objects found at `path`; `undefined` when unusable (after a report). */
export type DefinitionReader<T> = (value: unknown, path: JsonPath) => T | undefined;
