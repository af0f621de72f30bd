import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { readerSchema } from '../model/reader-schema.js';
import type { Model } from '../model/types.js';
import { code, jsDoc } from './docs.js';
import type { GeneratedFile } from './generated-file.js';
import { GENERATED_HEADER } from './header.js';
import { receivedValidatorName, validatorName } from './names.js';
import { createSourceFilePrinter } from './typescript.js';

// Both are CommonJS modules whose typings describe `exports.default`.
const addFormats = addFormatsModule.default;
const standaloneCode = standaloneCodeModule.default;

/**
 * ajv's ESM standalone code still `require`s its runtime helpers and the format checkers
 * (ajv#2209); give the module a `require` of its own.
 */
const REQUIRE_SHIM = "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);";

/**
 * The last module made, by the messages it was made from: compiling every schema to standalone
 * code is the slowest emitter, and most edits of a spec (descriptions, routing, queues) leave the
 * messages as they were. The code is a function of the messages alone, so it is reused as is.
 */
let last: { messages: string; code: string } | undefined;

function validatorsModule(model: Model): string {
  const messages = JSON.stringify(model.messages.map((message) => [message.name, message.typeName, message.schema]));
  if (last?.messages !== messages) last = { messages, code: compileValidatorsModule(model) };
  return last.code;
}

/**
 * ajv's standalone code, two validators per message. `validate<TypeName>` checks what a service
 * sends, strictly, against the schema as written. `validateReceived<TypeName>` checks what it
 * receives as a tolerant reader: the same schema less every `additionalProperties: false`
 * (`readerSchema`), so a property added by a newer sender is ignored while every declared one is
 * still checked. Ignored, not stripped: ajv's `removeAdditional` deletes properties while it tries
 * the branches of an `anyOf`/`oneOf`, so it can take away what the matching branch needs.
 */
function compileValidatorsModule(model: Model): string {
  const ajv = new Ajv({ code: { source: true, esm: true, lines: true }, strict: true, allErrors: true });
  addFormats(ajv);
  const exports: Record<string, string> = {};
  for (const message of model.messages) {
    for (const [name, schema] of [
      [validatorName(message.typeName), message.schema],
      [receivedValidatorName(message.typeName), readerSchema(message.schema)],
    ] as const) {
      ajv.addSchema(schema, name);
      exports[name] = name;
    }
  }
  const code = standaloneCode(ajv, exports).replace(/^"use strict";\s*/, '');
  return `${GENERATED_HEADER}\n${REQUIRE_SHIM}\n\n${code}\n`;
}

/** The validators' declarations: each is a `Validator` of the runtime seam, a type guard of its payload type. */
function validatorsDeclarations(model: Model): GeneratedFile {
  const printFile = createSourceFilePrinter();
  const typeNames = [...new Set(model.messages.map((message) => message.typeName))].sort();
  return printFile('validators.d.ts', {
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
