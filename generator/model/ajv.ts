import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its callable export sits on `.default`.
const addFormats = addFormatsModule.default;

/** The ajv configuration payload schemas must compile under: strict, all errors, standard formats. */
export function createStrictAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, ...options });
  addFormats(ajv);
  return ajv;
}
