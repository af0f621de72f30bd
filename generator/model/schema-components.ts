/**
 * The contract's named schemas (`components.schemas.<Name>`): the model keeps each once and
 * message payloads refer to them with `$ref: '#/components/schemas/<Name>'`, so emitters can
 * give each its own type and validator.
 */
import { isObject, jsonEqual } from './json.js';
import { isPascalCaseIdentifier, toPascalCase } from './naming.js';
import type { Problems } from './problem.js';
import { rewriteSchema } from './schema-walk.js';
import type { JsonSchema, SchemaComponent } from './types.js';

const REF_PREFIX = '#/components/schemas/';

/** A reference to the named schema: `{ $ref: '#/components/schemas/Difficulty' }`. */
export function componentRef(name: string): JsonSchema {
  return { $ref: `${REF_PREFIX}${name}` };
}

/** The name of the component `schema` refers to, when it is nothing but a reference to one. */
export function referencedComponent(schema: unknown): string | undefined {
  if (!isObject(schema) || Object.keys(schema).length !== 1) return undefined;
  const ref = schema['$ref'];
  return typeof ref === 'string' && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

/** `schema` with each component reference replaced by `replace(name)`. */
export function replaceComponentRefs(schema: JsonSchema, replace: (name: string) => JsonSchema): JsonSchema {
  return rewriteSchema(schema, (subschema) => {
    const name = referencedComponent(subschema);
    return name === undefined ? subschema : replace(name);
  });
}

/** `schema` with every component reference replaced by the component's schema, all the way down. */
export function inlineComponents(schema: JsonSchema, components: readonly SchemaComponent[]): JsonSchema {
  const byName = new Map(components.map((component) => [component.name, component.schema]));
  const inlined = new Map<string, JsonSchema>();
  const inline = (name: string): JsonSchema => {
    const known = inlined.get(name);
    if (known !== undefined) return known;
    const component = byName.get(name);
    if (component === undefined) throw new Error(`no schema component "${name}"`);
    const result = replaceComponentRefs(component, inline);
    inlined.set(name, result);
    return result;
  };
  return replaceComponentRefs(schema, inline);
}

/**
 * Every named schema the payloads use, each read once. The parser marks each schema resolved
 * from `components.schemas` with its key (`x-parser-schema-id`); inline schemas are anonymous.
 */
export class SchemaComponents {
  private readonly byName = new Map<string, { source: object; component: SchemaComponent | undefined }>();
  private readonly misnamed = new Set<string>();

  constructor(private readonly problems: Problems) {}

  /** The component name the parser gave `value`, when it is a named schema. */
  static nameOf(value: object): string | undefined {
    const id = (value as Record<string, unknown>)['x-parser-schema-id'];
    return typeof id === 'string' && !id.startsWith('<') ? id : undefined;
  }

  /**
   * Registers the named schema `source` under `name` (reading it with `read` the first time) and
   * returns a reference to it; `undefined` when it is unusable (after a report). A name that
   * cannot be a type name is reported once and its schema read in place, so that nothing else
   * fails for it.
   */
  refer(name: string, source: object, read: () => JsonSchema | undefined): JsonSchema | undefined {
    if (!isPascalCaseIdentifier(name)) {
      if (!this.misnamed.has(name)) {
        const suggestion = toPascalCase(name);
        this.problems.add(
          ['components', 'schemas', name],
          'invalid-schema-name',
          `schema name "${name}" is not a PascalCase identifier`,
          `it becomes a TypeScript type name${suggestion ? `: try "${suggestion}"` : ''}`,
        );
        this.misnamed.add(name);
      }
      return read();
    }
    const known = this.byName.get(name);
    if (known !== undefined) {
      // The parser resolves each reference to the one object; a copy of it (another file) is the same schema.
      if (known.source !== source && !jsonEqual(read(), known.component?.schema)) {
        this.problems.add(
          ['components', 'schemas', name],
          'duplicate-schema-name',
          `two different schemas are named "${name}"`,
          'give each schema component its own name',
        );
        return undefined;
      }
      return known.component && componentRef(name);
    }
    // Registered before reading, so that a schema reached again while it is read is not read twice.
    const entry: { source: object; component: SchemaComponent | undefined } = { source, component: undefined };
    this.byName.set(name, entry);
    const schema = read();
    if (schema === undefined) return undefined;
    entry.component = { name, schema };
    return componentRef(name);
  }

  has(name: string): boolean {
    return this.byName.get(name)?.component !== undefined;
  }

  list(): SchemaComponent[] {
    return [...this.byName.values()].flatMap((entry) => (entry.component === undefined ? [] : [entry.component]));
  }
}
