/** The contract's named schemas (`components.schemas`) in the model: kept once each, referred to by name. */
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, loadModelFromText } from '../../../generator/load/load-model.js';
import { componentRef } from '../../../generator/model/schema-components.js';
import type { Model } from '../../../generator/model/types.js';
import { peerPrepModel } from '../../fixtures/model.js';
import { BASE_SPEC } from './bad-spec-cases.js';

async function modelOf(load: ReturnType<typeof loadModel>): Promise<Model> {
  const result = await load;
  if ('diagnostics' in result) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.model;
}

function messageOf(model: Model, name: string) {
  const message = model.messages.find((each) => each.name === name);
  if (message === undefined) throw new Error(`no message ${name}`);
  return message;
}

function componentOf(model: Model, name: string) {
  const component = model.schemas.find((each) => each.name === name);
  if (component === undefined) throw new Error(`no schema ${name}`);
  return component.schema;
}

describe('named schemas of asyncapi.yaml', () => {
  let model: Model;
  beforeAll(async () => {
    model = await modelOf(loadModel(resolve(import.meta.dirname, '../../../asyncapi.yaml')));
  });

  it('are the model schemas, each once, sorted by name, as in the emitters fixture', () => {
    const names = model.schemas.map((schema) => schema.name);
    expect(names).toEqual([...new Set(names)].sort());
    expect(names).toEqual(
      expect.arrayContaining(['Difficulty', 'MatchedQuestion', 'Question', 'Timestamp', 'Topics', 'UserId']),
    );
    expect(names).toEqual(peerPrepModel.schemas.map((schema) => schema.name));
  });

  it('are referred to by name inside other schemas and from the payloads', () => {
    expect(messageOf(model, 'MatchFound').payload).toEqual(componentRef('MatchFound'));
    const matchFound = componentOf(model, 'MatchFound') as { properties: Record<string, unknown> };
    expect(matchFound.properties['question']).toEqual(componentRef('MatchedQuestion'));
    expect(matchFound.properties['occurred_at']).toEqual(componentRef('Timestamp'));
    expect(componentOf(model, 'MatchedQuestion')).toMatchObject({
      properties: { difficulty: componentRef('Difficulty'), topics: componentRef('Topics') },
    });
    expect(componentOf(model, 'Difficulty')).toEqual({ type: 'string', enum: ['easy', 'medium', 'hard'] });
  });

  it('are written out in place in each message schema, with no parser annotations', () => {
    const schema = messageOf(model, 'MatchRequested').schema as { properties: Record<string, unknown> };
    expect(schema.properties['difficulty']).toEqual({ type: 'string', enum: ['easy', 'medium', 'hard'] });
    for (const message of model.messages) expect(JSON.stringify(message.schema)).not.toMatch(/\$ref|x-parser-/);
    for (const component of model.schemas) expect(JSON.stringify(component.schema)).not.toMatch(/x-parser-/);
  });
});

describe('named schemas of a small spec', () => {
  it('keep an inline payload anonymous, and give two messages of one schema the one schema', async () => {
    const model = await modelOf(loadModelFromText(BASE_SPEC, 'spec.yaml'));
    expect(model.schemas.map((schema) => schema.name)).toEqual(['Thing']);
    expect(messageOf(model, 'ThingCreated').payload).toEqual(componentRef('Thing'));
    expect(messageOf(model, 'Thing').payload).toEqual(componentRef('Thing'));
    expect(messageOf(model, 'ThingMoved').payload).toEqual({
      type: 'object',
      required: ['thing_id'],
      properties: { thing_id: { type: 'string' } },
    });
  });
});
