/**
 * Spectral resolves the document's `$ref`s with json-ref-resolver, which builds the resolved
 * document with immer; immer deep-freezes each result it produces by default, walking the whole
 * document again: about a fifth of a large spec's load. Nothing relies on the freeze (the AsyncAPI
 * parser copies the resolved document before it changes anything), so it is turned off for the
 * immer that json-ref-resolver loads. The resolution itself is the same.
 *
 * The seam is json-ref-resolver's dependency on immer (3.1, immer 9): if it moves, this throws
 * rather than silently loading at the old cost, and the seam test fails.
 */
import { createRequire } from 'node:module';

interface Immer {
  setAutoFreeze: (freeze: boolean) => void;
}

const seamMoved = 'generator/load/unfrozen-ref-resolution.ts needs a review after a Spectral upgrade';

/** The immer json-ref-resolver loads, found from the AsyncAPI parser as Node resolves it. */
export function refResolverImmer(): Immer {
  const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
  const fromSpectral = createRequire(fromParser.resolve('@stoplight/spectral-core'));
  let immer: Partial<Immer>;
  try {
    immer = createRequire(fromSpectral.resolve('@stoplight/json-ref-resolver'))('immer') as Partial<Immer>;
  } catch (error) {
    throw new Error(`${seamMoved}: json-ref-resolver's immer cannot be loaded (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (typeof immer.setAutoFreeze !== 'function') throw new Error(`${seamMoved}: immer has no setAutoFreeze`);
  return immer as Immer;
}

export function resolveRefsUnfrozen(): void {
  refResolverImmer().setAutoFreeze(false);
}
