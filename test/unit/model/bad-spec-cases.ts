/**
 * Shared set-up for the bad-spec tables: one small valid spec, a way to break it in one place,
 * and an assertion that the loader reports exactly the expected diagnostic at the line marked
 * `# <- here` in the broken spec.
 */
import { expect } from 'vitest';
import { formatDiagnostic, type Diagnostic } from '../../../generator/diagnostics.js';
import { loadModelFromText } from '../../../generator/load/load-model.js';

export const BASE_SPEC = `asyncapi: 3.0.0
info:
  title: Things
  version: 1.0.0
x-services:
  pub-service:
    description: Publishes things and answers questions about them.
  sub-service:
    description: Follows things.
channels:
  thingCreated:
    address: thing.created
    messages:
      thingCreated:
        $ref: '#/components/messages/ThingCreated'
    bindings:
      amqp:
        is: routingKey
        exchange:
          $ref: '#/components/x-exchanges/things'
  thingMoved:
    address: thing.{thing_id}.moved
    parameters:
      thing_id:
        description: The thing.
    messages:
      thingMoved:
        $ref: '#/components/messages/ThingMoved'
    bindings:
      amqp:
        is: routingKey
        exchange:
          $ref: '#/components/x-exchanges/things'
  thingGet:
    address: thing.get
    messages:
      thingRequest:
        $ref: '#/components/messages/ThingRequest'
    bindings:
      amqp:
        is: queue
        queue:
          name: thing.get
  thingReply:
    address: null
    messages:
      thing:
        $ref: '#/components/messages/Thing'
operations:
  publishThingCreated:
    action: send
    x-service: pub-service
    channel:
      $ref: '#/channels/thingCreated'
  publishThingMoved:
    action: send
    x-service: pub-service
    channel:
      $ref: '#/channels/thingMoved'
  consumeThingCreated:
    action: receive
    x-service: sub-service
    x-queue:
      $ref: '#/components/x-queues/things'
    channel:
      $ref: '#/channels/thingCreated'
  consumeThingMoved:
    action: receive
    x-service: sub-service
    x-queue:
      $ref: '#/components/x-queues/things'
    channel:
      $ref: '#/channels/thingMoved'
  serveThingGet:
    action: receive
    x-service: pub-service
    channel:
      $ref: '#/channels/thingGet'
    reply:
      channel:
        $ref: '#/channels/thingReply'
  callThingGet:
    action: send
    x-service: sub-service
    channel:
      $ref: '#/channels/thingGet'
    reply:
      channel:
        $ref: '#/channels/thingReply'
components:
  x-exchanges:
    things:
      name: things.events
      type: topic
  x-queues:
    things:
      name: sub.things
      retry:
        attempts: 3
        initialDelayMs: 100
        multiplier: 2
        maxDelayMs: 1000
  messages:
    ThingCreated:
      name: ThingCreated
      contentType: application/json
      payload:
        $ref: '#/components/schemas/Thing'
      examples:
        - name: lamp
          payload:
            thing_id: 1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b
            label: lamp
            count: 2
    ThingMoved:
      name: ThingMoved
      contentType: application/json
      payload:
        type: object
        required: [thing_id]
        properties:
          thing_id:
            type: string
    ThingRequest:
      name: ThingRequest
      contentType: application/json
      payload:
        type: object
        additionalProperties: false
        required: [thing_id]
        properties:
          thing_id:
            type: string
    Thing:
      name: Thing
      contentType: application/json
      payload:
        $ref: '#/components/schemas/Thing'
  schemas:
    Thing:
      type: object
      additionalProperties: false
      required: [thing_id, label]
      properties:
        thing_id:
          type: string
          format: uuid
        label:
          type: string
          minLength: 1
        count:
          type: integer
          minimum: 0
`;

/** The base spec with each `from` (which must occur exactly once) replaced by `to`. */
export function patch(...edits: [from: string, to: string][]): string {
  return edits.reduce((text, [from, to]) => {
    const occurrences = text.split(from).length - 1;
    if (occurrences !== 1)
      throw new Error(`patch: expected one occurrence of ${JSON.stringify(from)}, found ${occurrences}`);
    return text.replace(from, to);
  }, BASE_SPEC);
}

export const MARK = '# <- here';

export interface Want {
  code: string;
  /** A fragment of the message. */
  message: string;
  /** A fragment of the hint. */
  hint?: string;
  column?: number;
  /** Codes of the other diagnostics the same spec must produce (a known cascade), if any. */
  alsoCodes?: string[];
}

/** [name, given spec, want]: the spec must fail with the diagnostic, at the 1-based line marked `# <- here`. */
export type BadCase = [name: string, given: string, want: Want];

export async function expectDiagnostic(given: string, want: Want): Promise<Diagnostic> {
  const markedLines = given.split('\n').flatMap((line, index) => (line.includes(MARK) ? [index + 1] : []));
  expect(markedLines, 'the case must mark exactly one line').toHaveLength(1);
  const result = await loadModelFromText(given, 'spec.yaml');
  if (!('diagnostics' in result)) throw new Error('expected diagnostics, the spec loaded');
  const shown = result.diagnostics.map(formatDiagnostic).join('\n');
  const found = result.diagnostics.find((d) => d.code === want.code && d.message.includes(want.message));
  expect(found, `no ${want.code} with "${want.message}" among:\n${shown}`).toBeDefined();
  const diagnostic = found as Diagnostic;
  expect(diagnostic.file).toBe('spec.yaml');
  expect(diagnostic.line, shown).toBe(markedLines[0]);
  if (want.column !== undefined) expect(diagnostic.column, shown).toBe(want.column);
  if (want.hint !== undefined) expect(diagnostic.hint ?? '').toContain(want.hint);
  const others = result.diagnostics
    .filter((d) => d !== diagnostic)
    .map((d) => d.code)
    .sort();
  expect(others, shown).toEqual([...(want.alsoCodes ?? [])].sort());
  return diagnostic;
}
