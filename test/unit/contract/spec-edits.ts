/** The real contract as plain data, and small edits of it, for classifier and contract-check tests. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadModelFromText } from '../../../generator/load/load-model.js';
import type { Model } from '../../../generator/model/types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit the spec as loose data, at any depth
export type Spec = Record<string, any>;

export const SPEC_PATH = resolve(import.meta.dirname, '../../../asyncapi.yaml');
const SPEC_TEXT = readFileSync(SPEC_PATH, 'utf8');

/** A fresh copy of asyncapi.yaml, edited by `edit`, as YAML text. */
export function editedSpec(edit: (spec: Spec) => void): string {
  const spec = parse(SPEC_TEXT) as Spec;
  edit(spec);
  return stringify(spec);
}

export async function modelOf(text: string): Promise<Model> {
  const loaded = await loadModelFromText(text, SPEC_PATH);
  if ('diagnostics' in loaded)
    throw new Error(
      `edited spec does not load:\n${loaded.diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n')}`,
    );
  return loaded.model;
}

export const schema = (spec: Spec, name: string): Spec => spec.components.schemas[name];
export const example = (spec: Spec, message: string): Spec => spec.components.messages[message].examples[0].payload;

/** Adds a required string field to a message's schema and example. */
export function addRequiredField(spec: Spec, message: string, field: string): void {
  schema(spec, message).properties[field] = { type: 'string' };
  schema(spec, message).required.push(field);
  example(spec, message)[field] = 'x';
}

export function removeField(spec: Spec, target: Spec, field: string, examplePayload?: Spec): void {
  delete target.properties[field];
  if (Array.isArray(target.required)) target.required = target.required.filter((name: string) => name !== field);
  if (examplePayload !== undefined) delete examplePayload[field];
}

export function bumpMajor(spec: Spec): void {
  const [major = '0', ...rest] = String(spec.info.version).split('.');
  spec.info.version = [String(Number(major) + 1), ...rest].join('.');
}

/** A description edit: a compatible change that still touches the spec. */
export function editDescription(spec: Spec): void {
  spec.info.description = `${String(spec.info.description)} Edited.`;
}
