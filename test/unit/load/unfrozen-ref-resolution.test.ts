/**
 * json-ref-resolver's immer, told not to deep-freeze what it produces: the setting must reach the
 * copy of immer the resolver really loads.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadModelFromText } from '../../../generator/load/load-model.js';
import { makeSyntheticSpec } from '../../fixtures/specs/synthetic.js';

type Produce = <T>(base: T, recipe: (draft: T) => void) => T;

function resolverProduce(): Produce {
  const fromParser = createRequire(createRequire(import.meta.url).resolve('@asyncapi/parser'));
  const fromSpectral = createRequire(fromParser.resolve('@stoplight/spectral-core'));
  return (createRequire(fromSpectral.resolve('@stoplight/json-ref-resolver'))('immer') as { produce: Produce }).produce;
}

describe('resolving $refs without immer freezing the result', () => {
  it('leaves what the resolver produces unfrozen once a spec has been loaded', async () => {
    const loaded = await loadModelFromText(makeSyntheticSpec(2), 'spec.yaml');
    expect('model' in loaded).toBe(true);
    const produced = resolverProduce()({ nested: { a: 1 } }, (draft) => {
      draft.nested.a = 2;
    });
    expect(Object.isFrozen(produced.nested)).toBe(false);
  });
});
