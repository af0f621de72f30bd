/**
 * The AsyncAPI parser validates a document with Spectral, whose `schema` function makes new ajv
 * instances for every document it sees. Each parse therefore compiles the AsyncAPI 3.0 JSON
 * Schema again, twice (the resolved and the unresolved variant): most of a parse's time. Spectral
 * looks those instances up through its `createAjvInstances` export at each call, so replacing
 * that export lets the compiled schemas outlive the parse. The validation is the same; only the
 * compiling is not repeated.
 *
 * Only a schema that is the very object compiled before is shared: the specification's own
 * schemas (Spectral's ruleset keeps one copy of each) and any schema seen in an earlier parse. A
 * schema taken from the document being parsed is a new object each time; it goes to that parse's
 * own instances, as without this module, so that it neither stays in a shared cache for good nor
 * answers, under a `$id` kept across an edit, for its edited successor.
 *
 * The seam is Spectral's module layout (@stoplight/spectral-functions 1.11, `schema/ajv.js`): if
 * it moves, this throws rather than silently parsing at the old cost, and the seam test fails.
 */
import { createRequire } from 'node:module';

type CompiledSchema = ((data: unknown) => boolean) & { schema?: unknown };
type AjvInstances = (schema: object, dialect: string, allErrors: boolean) => CompiledSchema | undefined;

interface SpectralAjvModule {
  createAjvInstances: () => AjvInstances;
}

const SPECIFICATION_SCHEMA_ID = 'http://asyncapi.com/definitions/';
const seamMoved = 'generator/load/share-spectral-ajv.ts needs a review after a Spectral upgrade';

let shared = false;

/** Spectral's `schema/ajv.js`, the copy the AsyncAPI parser itself loads. */
export function spectralAjvModule(): SpectralAjvModule {
  const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
  let module: Partial<SpectralAjvModule>;
  try {
    module = createRequire(fromParser.resolve('@stoplight/spectral-functions'))(
      './schema/ajv.js',
    ) as Partial<SpectralAjvModule>;
  } catch (error) {
    throw new Error(
      `${seamMoved}: @stoplight/spectral-functions/dist/schema/ajv.js cannot be loaded (${(error as Error).message})`,
      { cause: error },
    );
  }
  if (typeof module.createAjvInstances !== 'function')
    throw new Error(
      `${seamMoved}: @stoplight/spectral-functions/dist/schema/ajv.js no longer exports createAjvInstances`,
    );
  return module as SpectralAjvModule;
}

export function shareSpectralAjvInstances(): void {
  if (shared) return;
  const module = spectralAjvModule();
  const createInstances = module.createAjvInstances;
  const sharedInstances = createInstances();
  const firstParseOf = new WeakMap<object, number>();
  let parses = 0;
  module.createAjvInstances = () => {
    const parse = ++parses;
    // Spectral's instances are made lazily: a parse whose schemas are all shared never builds these.
    const ownInstances = createInstances();
    return (schema, dialect, allErrors) => {
      if (!firstParseOf.has(schema)) firstParseOf.set(schema, parse);
      if (firstParseOf.get(schema)! < parse || isSpecificationSchema(schema)) {
        const compiled = sharedInstances(schema, dialect, allErrors);
        if (compiled?.schema === schema) return compiled;
      }
      return ownInstances(schema, dialect, allErrors);
    };
  };
  shared = true;
}

function isSpecificationSchema(schema: object): boolean {
  const id = (schema as { $id?: unknown }).$id;
  return typeof id === 'string' && id.startsWith(SPECIFICATION_SCHEMA_ID);
}
