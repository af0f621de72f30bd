import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its callable export sits on `.default`.
const addFormats = addFormatsModule.default;

/** The ajv configuration payload schemas must compile under: strict, all errors, standard formats. */
export function createStrictAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, ...options });
  addFormats(ajv);
  return ajv;
}

/** What compiling a payload schema came to: a validator, or why there is none. */
export type CompiledSchema =
  | { validate: ValidateFunction }
  /** Not valid JSON Schema (ajv's meta-schema errors). */
  | { schemaErrors: ErrorObject[] }
  /** Valid JSON Schema that strict mode still refuses (ajv's message). */
  | { compileError: string };

/** Past this many distinct schemas, start again with an empty cache (and a new ajv). */
const MAX_CACHED_SCHEMAS = 5_000;

/**
 * Compiles payload schemas under the strict configuration, each distinct schema (by content)
 * once per process: a rebuild of the model (the watch loop, the bench, the docs history) compiles
 * only the schemas that changed. Schemas are not registered by `$id`, so an edited schema keeping
 * its `$id` compiles as a new one.
 */
export class PayloadSchemaCompiler {
  private ajv = createStrictAjv({ addUsedSchema: false });
  private readonly compiled = new Map<string, CompiledSchema>();

  compile(schema: object): CompiledSchema {
    const key = JSON.stringify(schema);
    const known = this.compiled.get(key);
    if (known !== undefined) return known;
    if (this.compiled.size >= MAX_CACHED_SCHEMAS) this.reset();
    const result = this.compileNew(schema);
    this.compiled.set(key, result);
    return result;
  }

  private compileNew(schema: object): CompiledSchema {
    if (!this.ajv.validateSchema(schema)) return { schemaErrors: [...(this.ajv.errors ?? [])] };
    try {
      return { validate: this.ajv.compile(schema) };
    } catch (error) {
      return { compileError: error instanceof Error ? error.message : String(error) };
    }
  }

  private reset(): void {
    this.compiled.clear();
    this.ajv = createStrictAjv({ addUsedSchema: false });
  }
}
