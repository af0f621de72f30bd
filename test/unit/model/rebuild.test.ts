/**
 * One process loading a spec again and again, as `generate --watch`, `docs --serve` and the
 * contract history do: what is cached between loads (the parser's compiled AsyncAPI schema, the
 * compiled payload schemas, the validators module) must never hide a problem of the new version.
 */
import { describe, expect, it } from 'vitest';
import { emitAll } from '../../../generator/emit/index.js';
import { loadModelFromText } from '../../../generator/load/load-model.js';
import { makeSyntheticSpec } from '../../fixtures/specs/synthetic.js';

const SPEC = makeSyntheticSpec(1);
const VALUE_SCHEMA = 'value:\n            type: integer\n            minimum: 0';

async function codes(text: string): Promise<string[]> {
  const loaded = await loadModelFromText(text, 'spec.yaml');
  return 'diagnostics' in loaded ? loaded.diagnostics.map((d) => d.code) : [];
}

describe('loading edited versions of a spec in one process', () => {
  it('reports a document-structure error after a valid load, and loads the valid version again', async () => {
    expect(await codes(SPEC)).toEqual([]);
    expect(await codes(SPEC.replace('action: send', 'action: sned'))).toContain('asyncapi-schema');
    expect(await codes(SPEC)).toEqual([]);
  });

  it('checks examples against the edited payload schema, also when the schema keeps its $id', async () => {
    const withId = (type: string) =>
      SPEC.replace(
        'payload:\n        type: object',
        `payload:\n        $id: urn:synthetic:message0\n        type: object`,
      ).replace(
        VALUE_SCHEMA,
        `value:\n            type: ${type}${type === 'integer' ? '\n            minimum: 0' : ''}`,
      );
    expect(await codes(withId('integer'))).toEqual([]);
    expect(await codes(withId('string'))).toContain('example-mismatch');
    expect(await codes(withId('strin'))).toContain('asyncapi-schema');
    expect(await codes(withId('integer'))).toEqual([]);
  });

  it('emits validators for the edited schema, not the previous one', async () => {
    const validatorsOf = async (text: string) => {
      const loaded = await loadModelFromText(text, 'spec.yaml');
      if ('diagnostics' in loaded) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
      return (await emitAll(loaded.model)).find((file) => file.path === 'validators.js')!.content;
    };
    const before = await validatorsOf(SPEC);
    const edited = await validatorsOf(SPEC.replace('minimum: 0', 'minimum: 7').replace('value: 0', 'value: 7'));
    expect(edited).not.toBe(before);
    expect(edited).toContain('7');
    expect(await validatorsOf(SPEC)).toBe(before);
  });
});
