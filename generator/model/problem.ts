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
  /** A required key missing at `path`: a misspelling of it beside it (`suggests`) is the root cause. */
  missingKey?: string;
  /** A key at `path` that looks like a misspelling of this one. */
  suggests?: string;
}

/**
 * Drops a missing-key problem when a key beside it was reported as a misspelling of that key
 * (`x-servce` on an operation: "unknown key, did you mean x-service?" is the root cause, "has no
 * owner" follows from it).
 */
export function withoutMissingKeysMisspelt(problems: readonly SpecProblem[]): SpecProblem[] {
  const misspelt = new Set(
    problems
      .filter((problem) => problem.suggests !== undefined)
      .map((problem) => [...problem.path.slice(0, -1), problem.suggests].join('\u0000')),
  );
  return problems.filter(
    (problem) =>
      problem.missingKey === undefined || !misspelt.has([...problem.path, problem.missingKey].join('\u0000')),
  );
}

/** Collects problems; passed to every reader so that one run reports all of them. */
export class Problems {
  readonly list: SpecProblem[] = [];

  add(
    path: JsonPath,
    code: string,
    message: string,
    hint?: string,
    cause?: Pick<SpecProblem, 'missingKey' | 'suggests'>,
  ): void {
    this.list.push({ code, message, ...(hint !== undefined && { hint }), path, ...cause });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

/** Reads one of the contract's objects found at `path`; `undefined` when unusable (after a report). */
export type DefinitionReader<T> = (value: unknown, path: JsonPath) => T | undefined;
