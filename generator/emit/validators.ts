import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { readerSchema } from '../model/reader-schema.js';
import { referencedComponent, replaceComponentRefs } from '../model/schema-components.js';
import type { JsonSchema, Model, SchemaComponent } from '../model/types.js';
import { code, jsDoc } from './docs.js';
import type { GeneratedFile } from './generated-file.js';
import { GENERATED_HEADER } from './header.js';
import { receivedValidatorName, validatorName } from './names.js';
import { printSourceFile } from './typescript.js';

// Both are CommonJS modules whose typings describe `exports.default`.
const addFormats = addFormatsModule.default;
const standaloneCode = standaloneCodeModule.default;

/**
 * ajv's ESM standalone code still `require`s its runtime helpers and the format checkers
 * (ajv#2209); give the module a `require` of its own.
 */
const REQUIRE_SHIM = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);";

/**
 * The last module made, by the schemas it was made from: compiling every schema to standalone
 * code is the slowest emitter, and most edits of a spec (descriptions, routing, queues) leave the
 * schemas as they were. The code is a function of the schemas alone, so it is reused as is.
 */
let last: { schemas: string; code: string } | undefined;

function validatorsModule(model: Model): string {
  const schemas = JSON.stringify([model.schemas, model.messages.map((message) => [message.typeName, message.payload])]);
  if (last?.schemas !== schemas) last = { schemas, code: compileValidatorsModule(model) };
  return last.code;
}

/**
 * The schemas of one ajv instance, each distinct schema added once: adding one whose content is
 * there already gives the key it is there under, so identical schemas share one compiled function.
 */
class SharedSchemas {
  private readonly byContent = new Map<string, string>();

  constructor(private readonly ajv: Ajv) {}

  /** The key that validates `schema`: `key`, or that of the same schema added before. */
  add(key: string, schema: JsonSchema): string {
    const content = JSON.stringify(schema);
    const known = this.byContent.get(content);
    if (known !== undefined) return known;
    this.ajv.addSchema(schema, key);
    this.byContent.set(content, key);
    return key;
  }
}

/**
 * The ajv keys of one flavour (strict or tolerant) of every named schema, and of schemas that
 * refer to them: ajv's own `$ref`s to those keys, so a named schema compiles into one function
 * that every validator using it calls.
 */
class SchemaFlavour {
  private readonly keys = new Map<string, string>();

  constructor(
    private readonly shared: SharedSchemas,
    private readonly flavour: (schema: JsonSchema) => JsonSchema,
    private readonly suffix: string,
  ) {}

  /** Adds the named schemas, each after the ones it refers to. */
  addComponents(components: readonly SchemaComponent[]): void {
    for (const component of dependencyOrder(components))
      this.keys.set(component.name, this.shared.add(`${component.name}${this.suffix}`, this.resolve(component.schema)));
  }

  /** The key of the validator for `schema`: a named schema's own, or `key` for a schema of its own. */
  keyOf(key: string, schema: JsonSchema): string {
    const named = referencedComponent(schema);
    return named === undefined
      ? this.shared.add(`${key}${this.suffix}`, this.resolve(schema))
      : this.keyOfComponent(named);
  }

  private resolve(schema: JsonSchema): JsonSchema {
    return replaceComponentRefs(this.flavour(schema), (name) => ({ $ref: this.keyOfComponent(name) }));
  }

  private keyOfComponent(name: string): string {
    const key = this.keys.get(name);
    if (key === undefined) throw new Error(`schema "${name}" is used before it is added`);
    return key;
  }
}

/** The named schemas, each after every named schema it refers to (the model has no cycles). */
function dependencyOrder(components: readonly SchemaComponent[]): SchemaComponent[] {
  const byName = new Map(components.map((component) => [component.name, component]));
  const ordered = new Map<string, SchemaComponent>();
  const visit = (component: SchemaComponent): void => {
    if (ordered.has(component.name)) return;
    replaceComponentRefs(component.schema, (name) => {
      const used = byName.get(name);
      if (used !== undefined) visit(used);
      return {};
    });
    ordered.set(component.name, component);
  };
  components.forEach(visit);
  return [...ordered.values()];
}

/**
 * ajv's standalone code, two validators per message. `validate<TypeName>` checks what a service
 * sends, strictly, against the schema as written. `validateReceived<TypeName>` checks what it
 * receives as a tolerant reader: the same schema less every `additionalProperties: false`
 * (`readerSchema`), so a property added by a newer sender is ignored while every declared one is
 * still checked. Ignored, not stripped: ajv's `removeAdditional` deletes properties while it tries
 * the branches of an `anyOf`/`oneOf`, so it can take away what the matching branch needs.
 * Each named schema compiles once per flavour (once in all where the tolerant one is the same),
 * and identical schemas compile once: their validators are one function under several names.
 */
function compileValidatorsModule(model: Model): string {
  const ajv = new Ajv({
    code: { source: true, esm: true, lines: true },
    strict: true,
    allErrors: true,
    inlineRefs: false,
  });
  addFormats(ajv);
  const shared = new SharedSchemas(ajv);
  const strict = new SchemaFlavour(shared, (schema) => schema, '');
  const tolerant = new SchemaFlavour(shared, readerSchema, '.received');
  strict.addComponents(model.schemas);
  tolerant.addComponents(model.schemas);
  const validators = model.messages.flatMap((message) => [
    { name: validatorName(message.typeName), key: strict.keyOf(message.typeName, message.payload) },
    { name: receivedValidatorName(message.typeName), key: tolerant.keyOf(message.typeName, message.payload) },
  ]);
  // ajv writes a validator's function once per export: each key is exported once, under its first
  // name, and its other names are aliases of that one.
  const firstName = new Map<string, string>();
  for (const { name, key } of validators) if (!firstName.has(key)) firstName.set(key, name);
  const exports = Object.fromEntries([...firstName].map(([key, name]) => [name, key]));
  const aliases = validators
    .filter(({ name, key }) => firstName.get(key) !== name)
    .map(({ name, key }) => `export const ${name} = ${firstName.get(key)};`);
  const code = standaloneCode(ajv, exports).replace(/^"use strict";\s*/, '');
  return `${GENERATED_HEADER}\n${REQUIRE_SHIM}\n\n${code}\n${aliases.map((alias) => `${alias}\n`).join('')}`;
}

/** The validators' declarations: each is a `Validator` of the runtime seam, a type guard of its payload type. */
function validatorsDeclarations(model: Model): GeneratedFile {
  const typeNames = [...new Set(model.messages.map((message) => message.typeName))].sort();
  return printSourceFile('validators.d.ts', {
    statements: [
      "import type { Validator } from '../runtime/definition.js';",
      ...(typeNames.length === 0 ? [] : [`import type { ${typeNames.join(', ')} } from './payloads.js';`]),
      ...model.messages.flatMap((message) => [
        `${jsDoc(`Validates a ${code(message.typeName)} payload a service sends against the contract's schema, strictly.`)}\nexport declare const ${validatorName(message.typeName)}: Validator<${message.typeName}>;`,
        `${jsDoc(`Validates a ${code(message.typeName)} payload a service receives: as the contract's schema, ignoring properties it does not declare (tolerant reader).`)}\nexport declare const ${receivedValidatorName(message.typeName)}: Validator<${message.typeName}>;`,
      ]),
    ],
  });
}

/** `validators.js` (ahead-of-time compiled ajv code, no schema compiling at start-up) and its `.d.ts`. */
export function emitValidators(model: Model): GeneratedFile[] {
  return [{ path: 'validators.js', content: validatorsModule(model) }, validatorsDeclarations(model)];
}
