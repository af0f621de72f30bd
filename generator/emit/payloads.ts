import type { WriterFunction } from 'ts-morph';
import { referencedComponent } from '../model/schema-components.js';
import type { JsonSchema, Message, Model } from '../model/types.js';
import { compareText } from '../diagnostics.js';
import { jsDoc } from './docs.js';
import type { GeneratedFile } from './generated-file.js';
import { isPlainObject, schemaDoc, writeObjectBody, writeType } from './schema-types.js';
import { printSourceFile } from './typescript.js';

/** One exported type of `payloads.ts`: a named schema, a message's payload, or both. */
interface PayloadType {
  name: string;
  schema: JsonSchema;
  /** The message whose payload it is, for its title and description. */
  message?: Message;
}

/**
 * Each named schema once, under its contract name, and each message's payload under the
 * message's name: the named schema itself when the names agree, an alias of it when they do not,
 * the payload written out when it is anonymous.
 */
function payloadTypes(model: Model): PayloadType[] {
  const types = new Map<string, PayloadType>(
    model.schemas.map((component) => [component.name, { name: component.name, schema: component.schema }]),
  );
  for (const message of model.messages) {
    const own = referencedComponent(message.payload) === message.typeName ? types.get(message.typeName) : undefined;
    types.set(message.typeName, { name: message.typeName, schema: own?.schema ?? message.payload, message });
  }
  return [...types.values()].sort((a, b) => compareText(a.name, b.name));
}

function declaration({ name, schema, message }: PayloadType): WriterFunction {
  return (writer) => {
    writer.blankLineIfLastNot();
    const doc = schemaDoc(schema, message?.title, message?.description);
    if (doc.length > 0) writer.writeLine(jsDoc(doc));
    if (isPlainObject(schema)) {
      writer.write(`export interface ${name} `);
      writeObjectBody(writer, schema);
      writer.newLine();
      return;
    }
    writer.write(`export type ${name} = `);
    writeType(writer, schema);
    writer.write(';').newLine();
  };
}

/** `payloads.ts`: one exported type per named schema and per message, field names as on the wire. */
export function emitPayloads(model: Model): GeneratedFile[] {
  return [printSourceFile('payloads.ts', { statements: payloadTypes(model).map(declaration) })];
}
