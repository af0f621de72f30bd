/**
 * The parser's ajv instances, shared across parses by replacing a Spectral export: the sharing
 * must take effect (Spectral still looks the instances up there), and must never make one parse
 * validate against a schema of another.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseAsyncApi } from '../../../generator/load/asyncapi-parser.js';
import { shareSpectralAjvInstances, spectralAjvModule } from '../../../generator/load/share-spectral-ajv.js';
import { makeSyntheticSpec } from '../../fixtures/specs/synthetic.js';

/** The ajv class Spectral compiles with, whose `compile` runs only when no compiled schema is reused. */
function spectralAjvClass(): { prototype: { compile: (schema: { $id?: string }) => unknown } } {
  const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
  const fromFunctions = createRequire(fromParser.resolve('@stoplight/spectral-functions'));
  return (fromFunctions('ajv') as { default: ReturnType<typeof spectralAjvClass> }).default;
}

async function parse(text: string): Promise<void> {
  const { errors } = await parseAsyncApi(text, 'spec.yaml');
  expect(errors).toEqual([]);
}

describe('sharing Spectral ajv instances across parses', () => {
  it('compiles the AsyncAPI schema in the first parse only', async () => {
    const spec = makeSyntheticSpec(2);
    await parse(spec);
    const Ajv = spectralAjvClass();
    const compile = Ajv.prototype.compile;
    const compiledIds: (string | undefined)[] = [];
    Ajv.prototype.compile = function (schema) {
      compiledIds.push(schema.$id);
      return compile.call(this, schema);
    };
    try {
      await parse(spec);
    } finally {
      Ajv.prototype.compile = compile;
    }
    expect(compiledIds.filter((id) => id?.startsWith('http://asyncapi.com/'))).toEqual([]);
  });

  it('validates against the schema of the parse at hand when an edited schema keeps its $id', () => {
    shareSpectralAjvInstances();
    const { createAjvInstances } = spectralAjvModule();
    const first = createAjvInstances()({ $id: 'urn:test:edited', type: 'integer' }, 'auto', false);
    const second = createAjvInstances()({ $id: 'urn:test:edited', type: 'string' }, 'auto', false);
    expect(first?.('text')).toBe(false);
    expect(second?.('text')).toBe(true);
  });
});
