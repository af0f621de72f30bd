/**
 * The AsyncAPI parser validates a document with Spectral, whose `schema` function makes new ajv
 * instances for every document it sees. Each parse therefore compiles the AsyncAPI 3.0 JSON
 * Schema again, twice (the resolved and the unresolved variant): most of a parse's time. Spectral
 * looks those instances up through its `createAjvInstances` export at each call, so handing out
 * one set of instances makes the compiled schemas (cached by their `$id`) outlive the parse.
 * The validation is the same; only the compiling is not repeated. (Schemas without an `$id` are
 * cached by object, as before: a new document's payload schemas are compiled for it.)
 */
import { createRequire } from 'node:module';

interface SpectralAjvModule {
  createAjvInstances: () => unknown;
}

let shared = false;

export function shareSpectralAjvInstances(): void {
  if (shared) return;
  // Resolve from the parser, so that this is the copy of Spectral the parser itself loads.
  const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
  const fromSpectralFunctions = createRequire(fromParser.resolve('@stoplight/spectral-functions'));
  const module = fromSpectralFunctions('./schema/ajv.js') as SpectralAjvModule;
  const instances = module.createAjvInstances();
  module.createAjvInstances = () => instances;
  shared = true;
}
