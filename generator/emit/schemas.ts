import { inlineComponents } from '../model/schema-components.js';
import type { Model } from '../model/types.js';
import { jsDoc } from './docs.js';
import type { GeneratedFile } from './generated-file.js';
import { printLiteral } from './literal.js';
import { printSourceFile } from './typescript.js';

const SCHEMAS_DOC = `The contract's named schemas as JSON Schema, each self-contained (every schema it uses written
in place), for an API that shows a contract type, e.g. a route's schema in fastify.`;

/** `schemas.ts`: every named schema of the contract as data, by its name. */
export function emitSchemas(model: Model): GeneratedFile[] {
  const schemas = Object.fromEntries(
    model.schemas.map((component) => [component.name, inlineComponents(component.schema, model.schemas)]),
  );
  return [
    printSourceFile('schemas.ts', {
      statements: [`${jsDoc(SCHEMAS_DOC)}\nexport const schemas = ${printLiteral(schemas)} as const;`],
    }),
  ];
}
