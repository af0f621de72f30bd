import type { PayloadSchemaCompiler } from './ajv.js';
import { isObject, jsonEqual, optionalString, type JsonObject } from './json.js';
import { isPascalCaseIdentifier, toPascalCase } from './naming.js';
import type { JsonPath, Problems } from './problem.js';
import { checkExample, cleanSchema, compilePayloadSchema } from './schema.js';
import { inlineComponents, referencedComponent, type SchemaComponents } from './schema-components.js';
import type { Message } from './types.js';

/**
 * Every message the channels carry, keyed by its contract name. The same message reached from
 * several channels is read once; two different messages under one name are an error.
 */
export class MessageCatalog {
  private readonly byName = new Map<string, { message: Message; path: JsonPath }>();

  constructor(
    private readonly schemas: PayloadSchemaCompiler,
    private readonly components: SchemaComponents,
    private readonly defaultContentType: string,
    private readonly problems: Problems,
  ) {}

  /** Reads the message at `path`; its name, or `undefined` when it is unusable (after a report). */
  add(value: unknown, path: JsonPath): string | undefined {
    if (!isObject(value)) return undefined;
    const name = this.readName(value, path);
    if (name === undefined) return undefined;
    const message = this.readMessage(name, value, path);
    if (message === undefined) return undefined;
    const known = this.byName.get(name);
    if (known === undefined) {
      this.byName.set(name, { message, path });
    } else if (!jsonEqual(known.message, message)) {
      this.problems.add(
        [...path, 'name'],
        'duplicate-message-name',
        `message name "${name}" is used by two different messages`,
        `the other one is at ${known.path.join('.')}; give each message its own name, or reference one definition with $ref`,
      );
      return undefined;
    }
    return name;
  }

  list(): Message[] {
    return [...this.byName.values()].map((entry) => entry.message);
  }

  /** A message's name is its payload's type name: no schema component may take it for another type. */
  checkTypeNames(): void {
    for (const { message, path } of this.byName.values()) {
      if (referencedComponent(message.payload) === message.name || !this.components.has(message.name)) continue;
      this.problems.add(
        [...path, 'name'],
        'type-name-clash',
        `message "${message.name}" and schema "${message.name}" would both be the TypeScript type ${message.name}, but the message's payload is another schema`,
        `rename the message or the schema, or make the payload $ref: '#/components/schemas/${message.name}'`,
      );
    }
  }

  private readName(value: JsonObject, path: JsonPath): string | undefined {
    const name = value['name'];
    if (typeof name !== 'string') {
      this.problems.add(
        path,
        'invalid-message-name',
        `the message at ${path.join('.')} has no name`,
        'add name: <PascalCase>; it becomes the TypeScript type of the payload',
      );
      return undefined;
    }
    if (!isPascalCaseIdentifier(name)) {
      const suggestion = toPascalCase(name);
      this.problems.add(
        [...path, 'name'],
        'invalid-message-name',
        `message name "${name}" is not a PascalCase identifier`,
        `it becomes a TypeScript type name${suggestion ? `: try "${suggestion}"` : ''}`,
      );
      return undefined;
    }
    return name;
  }

  private readMessage(name: string, value: JsonObject, path: JsonPath): Message | undefined {
    const contentType = optionalString(value['contentType']) ?? this.defaultContentType;
    if (contentType !== 'application/json') {
      this.problems.add(
        [...path, 'contentType'],
        'unsupported-content-type',
        `message "${name}" has content type "${contentType}"`,
        'only application/json is supported',
      );
      return undefined;
    }
    if (value['payload'] === undefined) {
      this.problems.add(
        path,
        'invalid-payload-schema',
        `message "${name}" has no payload schema`,
        'add payload: with a JSON Schema',
      );
      return undefined;
    }
    const payloadPath = [...path, 'payload'];
    const payload = cleanSchema(value['payload'], payloadPath, this.problems, this.components);
    if (payload === undefined) return undefined;
    const schema = inlineComponents(payload, this.components.list());
    const validate = compilePayloadSchema(this.schemas, schema, payloadPath, name, this.problems);
    const examples = readExamples(value['examples']);
    if (validate !== undefined) {
      for (const { index, example } of examples)
        checkExample(validate, example, [...path, 'examples', index, 'payload'], name, this.problems);
    }
    const title = optionalString(value['title']);
    const description = optionalString(value['description']);
    return {
      name,
      typeName: name,
      ...(title === undefined ? {} : { title }),
      ...(description === undefined ? {} : { description }),
      contentType,
      payload,
      schema,
      examples: examples.map(({ example }) => example),
    };
  }
}

/** Examples that carry a payload, with their position in the list (for diagnostics). */
function readExamples(value: unknown): { index: number; example: { name: string; payload: unknown } }[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((example: unknown, index) => {
    if (!isObject(example) || example['payload'] === undefined) return [];
    const name = optionalString(example['name']) ?? `example ${index + 1}`;
    return [{ index, example: { name, payload: example['payload'] } }];
  });
}
