import { compile, type JSONSchema } from 'json-schema-to-typescript';
import type { JsonSchema, Message, Model } from '../model/types.js';
import { paragraphs } from './docs.js';
import type { GeneratedFile } from './generated-file.js';
import { createSourceFilePrinter } from './typescript.js';

/** Keywords whose value is one subschema. */
const SUBSCHEMA = ['items', 'additionalItems', 'additionalProperties', 'contains', 'not', 'if', 'then', 'else', 'propertyNames'];
/** Keywords whose value is a list of subschemas. */
const SUBSCHEMA_LIST = ['items', 'allOf', 'anyOf', 'oneOf'];
/** Keywords whose value maps names to subschemas. */
const SUBSCHEMA_MAP = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * A copy of `schema` prepared for documentation: nested `title`s become descriptions and a
 * `format` becomes an `@format` tag. json-schema-to-typescript turns a titled subschema into a
 * separate exported declaration named after the title, which would collide across messages (or
 * with a message type); inline types keep each message self-contained.
 */
function documented(schema: JsonSchema): JsonSchema {
  const { title, description, ...rest } = schema;
  const copy: JsonSchema = { ...rest };
  const format = text(rest['format']);
  const doc = paragraphs(text(description) ?? text(title), format === undefined ? undefined : `@format ${format}`);
  if (doc.length > 0) copy['description'] = doc;
  for (const key of SUBSCHEMA) {
    const value = copy[key];
    if (isSchema(value)) copy[key] = documented(value);
  }
  for (const key of SUBSCHEMA_LIST) {
    const value = copy[key];
    if (Array.isArray(value)) copy[key] = value.map((item: unknown) => (isSchema(item) ? documented(item) : item));
  }
  for (const key of SUBSCHEMA_MAP) {
    const value = copy[key];
    if (isSchema(value)) {
      copy[key] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, isSchema(item) ? documented(item) : item]),
      );
    }
  }
  return copy;
}

/** The message's schema as json-schema-to-typescript should see it: named by the message, documented by it. */
function rootSchema(message: Message): JSONSchema {
  const { description, ...schema } = documented(message.schema);
  const summary = paragraphs(message.title, message.description, text(description));
  return (summary.length > 0 ? { ...schema, description: summary } : schema);
}

async function payloadType(message: Message): Promise<string> {
  return compile(rootSchema(message), message.typeName, {
    bannerComment: '',
    // A schema that does not mention additionalProperties gets a closed type: a typo in a
    // published payload is a compile error. Schemas that say `true` keep their index signature.
    additionalProperties: false,
    // Arrays: keep a non-empty or fixed-size shape (`[string, ...string[]]`, `[T, T]`) but never
    // expand a range into a union of tuples.
    maxItems: 1,
    format: false,
    unknownAny: true,
    declareExternallyReferenced: true,
  });
}

/** `payloads.ts`: one exported type per message, field names as on the wire. */
export async function emitPayloads(model: Model): Promise<GeneratedFile[]> {
  const declarations = await Promise.all(model.messages.map(payloadType));
  const printFile = createSourceFilePrinter({ format: true });
  const file = printFile('payloads.ts', { statements: declarations.map((text) => text.trim()) });
  return [file];
}
