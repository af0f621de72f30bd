/**
 * The breaking-change classifier, one spec edit per kind: each row edits asyncapi.yaml, loads
 * both models and expects a change of `kind` with the stated verdict. A row that expects
 * "not breaking" also expects no breaking change at all.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { classifyChanges, isMajorBump, judgeCompatibility } from '../../../generator/contract/classify.js';
import type { Model } from '../../../generator/model/types.js';
import { addRequiredField, bumpMajor, editedSpec, example, modelOf, removeField, schema, type Spec } from './spec-edits.js';

interface Row {
  name: string;
  /** Applied to the base as well, when the edit needs a different starting point. */
  base?: (spec: Spec) => void;
  edit: (spec: Spec) => void;
  kind: string;
  breaking: boolean;
  /** Words the explanation must contain (who breaks, or why not). */
  why: string;
}

const rows: Row[] = [
  {
    name: 'event field removed',
    edit: (spec) => removeField(spec, schema(spec, 'SessionEnded'), 'reason', example(spec, 'SessionEnded')),
    kind: 'property-removed',
    breaking: true,
    why: 'consumers (matching-service)',
  },
  {
    name: 'required field added to an event',
    edit: (spec) => addRequiredField(spec, 'UserCreated', 'display_name'),
    kind: 'required-property-added',
    breaking: true,
    why: 'producers (user-service)',
  },
  {
    name: 'optional made required in an RPC request',
    edit: (spec) => {
      schema(spec, 'QuestionPickRequest').required.push('exclude_question_ids');
      example(spec, 'QuestionPickRequest').exclude_question_ids = [];
    },
    kind: 'made-required',
    breaking: true,
    why: 'callers (matching-service)',
  },
  {
    name: 'type changed',
    edit: (spec) => {
      schema(spec, 'QuestionPickRequest').properties.exclude_question_ids = { type: 'string' };
    },
    kind: 'type-changed',
    breaking: true,
    why: 'callers (matching-service)',
  },
  {
    name: 'type narrowed',
    base: (spec) => {
      schema(spec, 'CodeUpdated').properties.code_delta.type = ['string', 'null'];
    },
    edit: (spec) => {
      schema(spec, 'CodeUpdated').properties.code_delta.type = 'string';
    },
    kind: 'type-narrowed',
    breaking: true,
    why: 'producers (collaboration-service)',
  },
  {
    name: 'constraint narrowed',
    edit: (spec) => {
      schema(spec, 'CodeUpdated').properties.code_delta.maxLength = 1024;
    },
    kind: 'constraint-tightened',
    breaking: true,
    why: 'producers (collaboration-service)',
  },
  {
    name: 'enum value removed',
    edit: (spec) => {
      schema(spec, 'SessionEnded').properties.reason.enum = ['completed', 'timed_out'];
    },
    kind: 'enum-value-removed',
    breaking: true,
    why: 'producers (collaboration-service)',
  },
  {
    name: 'enum value added to an event',
    edit: (spec) => {
      schema(spec, 'SessionEnded').properties.reason.enum.push('crashed');
    },
    kind: 'enum-value-added',
    breaking: true,
    why: 'consumers (matching-service)',
  },
  {
    name: 'format added',
    edit: (spec) => {
      schema(spec, 'UserCreated').properties.username.format = 'hostname';
    },
    kind: 'format-added',
    breaking: true,
    why: 'producers (user-service)',
  },
  {
    name: 'additionalProperties closed',
    edit: (spec) => {
      schema(spec, 'MatchFound').additionalProperties = false;
    },
    kind: 'additional-properties-closed',
    breaking: true,
    why: 'producers (matching-service)',
  },
  {
    name: 'exchange renamed',
    edit: (spec) => {
      spec.components['x-exchanges'].userEvents.name = 'users.events';
    },
    kind: 'exchange-removed',
    breaking: true,
    why: 'producers on the base contract',
  },
  {
    name: 'exchange type changed',
    edit: (spec) => {
      spec.components['x-exchanges'].userEvents.type = 'direct';
    },
    kind: 'exchange-settings-changed',
    breaking: true,
    why: 'PRECONDITION_FAILED',
  },
  {
    name: 'routing key renamed',
    edit: (spec) => {
      spec.channels.userCreated.address = 'user.registered';
    },
    kind: 'routing-key-changed',
    breaking: true,
    why: 'producers (user-service)',
  },
  {
    name: 'consumer queue renamed',
    edit: (spec) => {
      spec.components['x-queues'].matchingUserEvents.name = 'matching.users';
    },
    kind: 'queue-removed',
    breaking: true,
    why: 'stranded',
  },
  {
    name: 'RPC renamed',
    edit: (spec) => {
      spec.channels.questionGet.address = 'question.fetch';
      spec.channels.questionGet.bindings.amqp.queue.name = 'question.fetch';
    },
    kind: 'rpc-renamed',
    breaking: true,
    why: 'callers (collaboration-service)',
  },
  {
    name: 'RPC removed',
    edit: (spec) => {
      delete spec.channels.questionGet;
      delete spec.operations.serveQuestionGet;
      delete spec.operations.callQuestionGet;
      delete spec.components.messages.QuestionGetRequest;
    },
    kind: 'rpc-removed',
    breaking: true,
    why: 'callers (collaboration-service)',
  },
  {
    name: 'RPC reply loses a required field',
    edit: (spec) => removeField(spec, schema(spec, 'Question'), 'description', example(spec, 'Question')),
    kind: 'property-removed',
    breaking: true,
    why: 'callers (collaboration-service)',
  },
  {
    name: 'consumer queue type changed (the broker rejects it)',
    edit: (spec) => {
      spec.components['x-queues'].matchingUserEvents.type = 'classic';
    },
    kind: 'queue-settings-changed',
    breaking: true,
    why: 'PRECONDITION_FAILED',
  },
  {
    name: 'every consumer queue made classic: the vhost default queue type follows (plain declarations break)',
    edit: (spec) => {
      spec.components['x-queues'].matchingUserEvents.type = 'classic';
      spec.operations.consumeSessionEnded['x-queue'].type = 'classic';
      spec.operations.consumeMatchFound['x-queue'].type = 'classic';
    },
    kind: 'default-queue-type-changed',
    breaking: true,
    why: 'Python services',
  },
  {
    name: 'optional field added',
    edit: (spec) => {
      schema(spec, 'UserCreated').properties.nickname = { type: 'string' };
    },
    kind: 'optional-property-added',
    breaking: false,
    why: 'deploy receivers first',
  },
  {
    name: 'new message and operation',
    edit: (spec) => {
      spec.components.messages.UserLoggedIn = { ...spec.components.messages.UserDeleted, name: 'UserLoggedIn', title: 'User logged in' };
      spec.channels.userLoggedIn = { ...spec.channels.userDeleted, address: 'user.logged_in', messages: { userLoggedIn: { $ref: '#/components/messages/UserLoggedIn' } } };
      spec.operations.publishUserLoggedIn = { action: 'send', 'x-service': 'user-service', channel: { $ref: '#/channels/userLoggedIn' } };
    },
    kind: 'routing-key-added',
    breaking: false,
    why: 'new message',
  },
  {
    name: 'new operation on an existing channel',
    edit: (spec) => {
      spec.operations.consumeUserDeletedInQuestions = {
        action: 'receive',
        'x-service': 'question-service',
        'x-queue': { name: 'question.user_events' },
        channel: { $ref: '#/channels/userDeleted' },
      };
    },
    kind: 'operation-added',
    breaking: false,
    why: 'new operation',
  },
  {
    name: 'a consumer refuses unverified origins (Python publishers and shared users are refused from now on)',
    edit: (spec) => {
      spec.operations.consumeUserCreated['x-unverified-origin'] = 'refuse';
    },
    kind: 'origin-policy-changed',
    breaking: true,
    why: 'are refused from now on',
  },
  {
    name: 'an RPC server flags unverified callers (still serves them)',
    edit: (spec) => {
      spec.operations.serveQuestionGet['x-unverified-origin'] = 'flag';
    },
    kind: 'origin-policy-changed',
    breaking: false,
    why: 'still handled',
  },
  {
    name: 'description changed',
    edit: (spec) => {
      spec.channels.userCreated.description = 'A user signed up.';
    },
    kind: 'description-changed',
    breaking: false,
    why: 'documentation only',
  },
  {
    name: 'RPC request loosened (the server deploys first)',
    edit: (spec) => {
      delete schema(spec, 'QuestionGetRequest').properties.question_id.format;
    },
    kind: 'format-removed',
    breaking: false,
    why: 'server (question-service) owns the RPC',
  },
  {
    name: 'RPC reply tightened (callers accept a subset)',
    edit: (spec) => {
      schema(spec, 'UserProfile').properties.username.minLength = 1;
    },
    kind: 'constraint-tightened',
    breaking: false,
    why: 'callers on the base contract accept',
  },
];

let base: Model;

beforeAll(async () => {
  base = await modelOf(editedSpec(() => {}));
});

describe('classifyChanges', () => {
  it('finds nothing between a contract and itself', () => {
    expect(classifyChanges(base, base)).toEqual([]);
  });

  it.each(rows)('$name: $kind, breaking $breaking', async (row) => {
    const before = row.base === undefined ? base : await modelOf(editedSpec(row.base));
    const after = await modelOf(
      editedSpec((spec) => {
        row.base?.(spec);
        row.edit(spec);
      }),
    );
    const changes = classifyChanges(before, after);
    const found = changes.find((change) => change.kind === row.kind);
    expect(found, JSON.stringify(changes, null, 2)).toBeDefined();
    expect(found?.breaking).toBe(row.breaking);
    expect(found?.why).toContain(row.why);
    expect(found?.pointer).toMatch(/^\//);
    if (!row.breaking) expect(changes.filter((change) => change.breaking)).toEqual([]);
  });
});

describe('judgeCompatibility', () => {
  it('refuses a breaking change without a major bump and accepts it with one', async () => {
    const breaking = await modelOf(editedSpec((spec) => addRequiredField(spec, 'UserCreated', 'display_name')));
    const bumped = await modelOf(
      editedSpec((spec) => {
        addRequiredField(spec, 'UserCreated', 'display_name');
        bumpMajor(spec);
      }),
    );
    expect(judgeCompatibility(base, breaking)).toMatchObject({ ok: false, majorBumped: false });
    expect(judgeCompatibility(base, bumped)).toMatchObject({ ok: true, majorBumped: true });
    expect(judgeCompatibility(base, bumped).breaking).toHaveLength(1);
  });

  it.each([
    ['1.0.0', '2.0.0', true],
    ['1.4.2', '1.5.0', false],
    ['1.0.0', '1.0.0', false],
    ['2.0.0', '1.0.0', false],
    ['v1', 'v2', true],
    ['draft', '2.0.0', false],
  ])('isMajorBump(%s, %s) is %s', (before, after, bumped) => {
    expect(isMajorBump(before, after)).toBe(bumped);
  });
});
