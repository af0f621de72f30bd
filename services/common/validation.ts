/**
 * How every service's HTTP input is checked before a route sees it.
 *
 * - A JSON body keeps its JSON types: `12345`, `true` or `null` where a string is required, or a
 *   string where an array is, is a 400 naming the field (fastify's default ajv would coerce them).
 *   Path parameters and the query string are text by nature, so they alone are coerced.
 * - A schema may say `plainText: true` of a string: control, bidirectional-formatting and other
 *   invisible characters, and unpaired surrogates, are then a 400 naming the character.
 * - A JSON body must be UTF-8: bytes that are not are a 400, not silently replaced with U+FFFD.
 */
import { Ajv, type Options, type SchemaObject, type SchemaValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import { HttpError } from './errors.js';
import { forbiddenCharacter } from './text.js';

// ajv-formats is CommonJS: under NodeNext its callable export sits on `.default`.
const addFormats = addFormatsModule.default;

/** fastify's own ajv options, less what we refuse: stripping unknown fields, and coercing JSON. */
const BASE_OPTIONS: Options = { useDefaults: true, removeAdditional: false, addUsedSchema: false, allErrors: false };

export function validateRequests(app: FastifyInstance): void {
  const json = createAjv({ ...BASE_OPTIONS, coerceTypes: false });
  const text = createAjv({ ...BASE_OPTIONS, coerceTypes: 'array' });
  const compile: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
    (httpPart === 'body' ? json : text).compile(schema as SchemaObject);
  app.setValidatorCompiler(compile);

  const parseJson = app.getDefaultJsonParser('error', 'ignore');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let decoded: string;
    try {
      decoded = UTF8.decode(body as Buffer);
    } catch {
      return done(new HttpError(400, 'the body is not valid UTF-8: JSON must be encoded in UTF-8'), undefined);
    }
    void parseJson(request, decoded, done);
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function createAjv(options: Options): Ajv {
  const ajv = new Ajv(options);
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'plainText', type: 'string', schemaType: 'boolean', errors: true, validate: plainText });
  return ajv;
}

const plainText: SchemaValidateFunction = (wanted: boolean, data: string) => {
  const problem = wanted ? forbiddenCharacter(data) : undefined;
  plainText.errors = problem === undefined ? [] : [{ keyword: 'plainText', message: problem, params: {} }];
  return problem === undefined;
};
