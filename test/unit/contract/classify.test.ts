/**
 * The breaking-change classifier, one spec edit per kind: each row edits asyncapi.yaml, loads
 * both models and expects a change of `kind` with the stated verdict. A row that expects
 * "not breaking" also expects no breaking change at all.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { describeChange } from '../../../generator/contract/checks/check-breaking.js';
import {
  classifyChanges,
  isMajorBump,
  isMajorRegression,
  judgeCompatibility,
} from '../../../generator/contract/classify.js';
import type { Model } from '../../../generator/model/types.js';
import {
  addRequiredField,
  bumpMajor,
  editedSpec,
  example,
  modelOf,
  removeField,
  schema,
  type Spec,
} from './spec-edits.js';

interface Row {
  name: string;
  /** Applied to the base as well, when the edit needs a different starting point. */
  base?: (spec: Spec) => void;
  edit: (spec: Spec) => void;
  kind: string;
  breaking: boolean;
  /** Words the explanation must contain (who breaks, or why not). */
  why: string;
  /** The pointer of the change, when the kind alone does not say where. */
  pointer?: string;
  /** Words the one-line description must contain. */
  what?: string;
  /** Words one of its consequences must contain. */
  consequence?: string;
  /** How many breaking changes in all, when the edit must read as exactly that many. */
  breakingCount?: number;
}

const rows: Row[] = [
  {
    name: 'event field removed',
    edit: (spec) => removeField(spec, schema(spec, 'SessionEnded'), 'reason', example(spec, 'SessionEnded')),
    kind: 'property-removed',
    breaking: true,
    why: 'consumers (collaboration-service, matching-service)',
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
    why: 'consumers (collaboration-service, matching-service)',
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
    name: 'additionalProperties closed (binds senders only: receivers ignore unknown properties)',
    edit: (spec) => {
      schema(spec, 'MatchFound').additionalProperties = false;
    },
    kind: 'additional-properties-closed',
    breaking: false,
    why: 'tolerant readers',
  },
  {
    name: 'exchange renamed: one break, its channels and bindings as consequences',
    edit: (spec) => {
      spec.components['x-exchanges'].userEvents.name = 'users.events';
    },
    kind: 'exchange-renamed',
    breaking: true,
    why: 'producers on the base contract',
    what: 'exchange "user.events" was renamed "users.events"',
    consequence: 'channel userCreated ("user.created") moves from "user.events" to "users.events"',
    breakingCount: 1,
  },
  {
    name: 'exchange removed with its channels',
    edit: (spec) => {
      delete spec.channels.matchRequested;
      delete spec.channels.matchCancelled;
      delete spec.operations.publishMatchRequested;
      delete spec.operations.publishMatchCancelled;
      delete spec.channels.matchFound;
      delete spec.operations.publishMatchFound;
      delete spec.operations.consumeMatchFound;
    },
    kind: 'exchange-removed',
    breaking: true,
    why: 'producers on the base contract',
    consequence: 'channel matchFound ("match.found") goes with it',
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
    name: 'optional field added to a closed event (tolerant readers)',
    edit: (spec) => {
      schema(spec, 'UserCreated').properties.nickname = { type: 'string' };
    },
    kind: 'optional-property-added',
    breaking: false,
    why: 'tolerant readers',
  },
  {
    name: 'optional field added to a closed RPC reply (tolerant readers)',
    edit: (spec) => {
      schema(spec, 'UserProfile').properties.nickname = { type: 'string' };
    },
    kind: 'optional-property-added',
    breaking: false,
    why: 'tolerant readers',
  },
  {
    name: 'optional field added to an open event: producers on the base may already send it',
    base: (spec) => {
      schema(spec, 'UserCreated').additionalProperties = true;
    },
    edit: (spec) => {
      schema(spec, 'UserCreated').properties.nickname = { type: 'string' };
    },
    kind: 'optional-property-added',
    breaking: true,
    why: 'producers (user-service)',
  },
  {
    name: 'additionalProperties opened on an event (receivers ignore unknown properties)',
    edit: (spec) => {
      delete schema(spec, 'UserCreated').additionalProperties;
    },
    kind: 'additional-properties-opened',
    breaking: false,
    why: 'tolerant readers',
  },
  {
    name: 'required field added to a closed event breaks producers only',
    edit: (spec) => addRequiredField(spec, 'UserCreated', 'display_name'),
    kind: 'required-property-added',
    breaking: true,
    why: 'producers (user-service)',
    what: '"display_name" was added as required',
  },
  {
    name: 'items removed from an event array',
    edit: (spec) => {
      delete schema(spec, 'SessionEnded').properties.user_ids.items;
    },
    kind: 'type-widened',
    breaking: true,
    why: 'consumers (collaboration-service, matching-service)',
    pointer: '/components/messages/SessionEnded/payload/properties/user_ids/items',
  },
  {
    name: 'items added to an event array',
    base: (spec) => {
      delete schema(spec, 'SessionEnded').properties.user_ids.items;
    },
    edit: (spec) => {
      schema(spec, 'SessionEnded').properties.user_ids.items = { $ref: '#/components/schemas/UserId' };
    },
    kind: 'type-narrowed',
    breaking: true,
    why: 'producers (collaboration-service)',
    pointer: '/components/messages/SessionEnded/payload/properties/user_ids/items',
  },
  {
    name: 'pattern added to an RPC reply field (callers accept a subset)',
    edit: (spec) => {
      schema(spec, 'UserProfile').properties.username.pattern = '^\\w+$';
    },
    kind: 'keyword-added',
    breaking: false,
    why: 'callers on the base contract accept',
    what: 'pattern "^\\w+$" added',
  },
  {
    name: 'pattern removed from an event field',
    base: (spec) => {
      schema(spec, 'CodeUpdated').properties.code_delta.pattern = '^[\\s\\S]*$';
    },
    edit: (spec) => {
      delete schema(spec, 'CodeUpdated').properties.code_delta.pattern;
    },
    kind: 'keyword-removed',
    breaking: true,
    why: 'consumers (collaboration-service)',
    what: 'pattern "^[\\s\\S]*$" removed',
  },
  {
    name: 'pattern changed in an RPC request',
    base: (spec) => {
      schema(spec, 'QuestionGetRequest').properties.question_id.pattern = '^[0-9a-f-]+$';
    },
    edit: (spec) => {
      schema(spec, 'QuestionGetRequest').properties.question_id.pattern = '^[0-9a-fA-F-]+$';
    },
    kind: 'keyword-changed',
    breaking: true,
    why: 'callers (collaboration-service)',
    what: 'pattern "^[0-9a-f-]+$" became "^[0-9a-fA-F-]+$"',
  },
  {
    name: 'routing-key parameter renamed, binding pattern unchanged: the typed API only',
    edit: (spec) => {
      spec.channels.codeUpdated.address = 'session.{sid}.code_updated';
      spec.channels.codeUpdated.parameters = { sid: spec.channels.codeUpdated.parameters.session_id };
    },
    kind: 'routing-key-parameter-renamed',
    breaking: false,
    why: 'only the typed API',
  },
  {
    name: 'consumer moved to another queue while its old queue stays',
    edit: (spec) => {
      spec.operations.consumeUserDeleted['x-queue'] = {
        ...spec.components['x-queues'].matchingUserEvents,
        name: 'matching.user_deletions',
      };
    },
    kind: 'consumer-moved',
    breaking: true,
    why: 'no_handler',
    consequence: 'binding user.events -> matching.user_events (user.deleted) is no longer in the contract',
  },
  {
    name: 'last consumer of a mandatory event removed',
    edit: (spec) => {
      delete spec.operations.consumeUserDeleted;
    },
    kind: 'operation-removed',
    breaking: true,
    why: 'mandatory routing',
    consequence: 'binding user.events -> matching.user_events (user.deleted)',
  },
  {
    name: 'last consumer of an event published without mandatory routing removed',
    base: (spec) => {
      spec.operations.publishUserDeleted.bindings = { amqp: { mandatory: false } };
    },
    edit: (spec) => {
      delete spec.operations.consumeUserDeleted;
    },
    kind: 'operation-removed',
    breaking: false,
    why: 'nobody publishes it with mandatory routing',
  },
  {
    name: 'per-instance fan-out queue made shared',
    edit: (spec) => {
      spec.components['x-queues'].collaborationSessionFeed = { name: 'collaboration.code_updates' };
    },
    kind: 'queue-sharing-changed',
    breaking: true,
    why: 'real-time fan-out stops',
  },
  {
    name: 'fan-out queue bound with wildcards again',
    edit: (spec) => {
      delete spec.components['x-queues'].collaborationSessionFeed.bindings;
    },
    kind: 'queue-bindings-changed',
    breaking: false,
    why: 'every instance receives every value again',
  },
  {
    name: 'fan-out queue bound per subscription, published with mandatory routing only by its owner',
    base: (spec) => {
      delete spec.components['x-queues'].collaborationSessionFeed.bindings;
    },
    edit: (spec) => {
      spec.components['x-queues'].collaborationSessionFeed.bindings = 'per-subscription';
    },
    kind: 'queue-bindings-changed',
    breaking: false,
    why: 'the only producer with mandatory routing is collaboration-service itself',
  },
  {
    name: 'fan-out queue bound per subscription while another service publishes with mandatory routing',
    base: (spec) => {
      delete spec.components['x-queues'].collaborationSessionFeed.bindings;
      spec.operations.publishCodeUpdatedFromMatching = {
        action: 'send',
        'x-service': 'matching-service',
        channel: { $ref: '#/channels/codeUpdated' },
      };
    },
    edit: (spec) => {
      spec.components['x-queues'].collaborationSessionFeed.bindings = 'per-subscription';
    },
    kind: 'queue-bindings-changed',
    breaking: true,
    why: 'producers (matching-service) publish codeUpdated with mandatory routing',
  },
  {
    name: 'new message and operation',
    edit: (spec) => {
      spec.components.messages.UserLoggedIn = {
        ...spec.components.messages.UserDeleted,
        name: 'UserLoggedIn',
        title: 'User logged in',
      };
      spec.channels.userLoggedIn = {
        ...spec.channels.userDeleted,
        address: 'user.logged_in',
        messages: { userLoggedIn: { $ref: '#/components/messages/UserLoggedIn' } },
      };
      spec.operations.publishUserLoggedIn = {
        action: 'send',
        'x-service': 'user-service',
        channel: { $ref: '#/channels/userLoggedIn' },
      };
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
    const found = changes.find(
      (change) => change.kind === row.kind && (row.pointer === undefined || change.pointer === row.pointer),
    );
    expect(found, JSON.stringify(changes, null, 2)).toBeDefined();
    expect(found?.breaking).toBe(row.breaking);
    expect(found?.why).toContain(row.why);
    expect(found?.pointer).toMatch(/^\//);
    if (row.what !== undefined) expect(found?.what).toContain(row.what);
    if (row.consequence !== undefined) expect(found?.consequences?.join('\n')).toContain(row.consequence);
    if (row.breakingCount !== undefined)
      expect(
        changes.filter((change) => change.breaking),
        JSON.stringify(changes, null, 2),
      ).toHaveLength(row.breakingCount);
    if (!row.breaking) expect(changes.filter((change) => change.breaking)).toEqual([]);
    for (const change of changes)
      expect(`${change.what} ${change.why} ${(change.consequences ?? []).join(' ')}`).not.toMatch(/undefined|\\\\/);
  });
});

describe('a change to a named schema', () => {
  it('is reported for each message that uses it, where the message says it', async () => {
    const after = await modelOf(
      editedSpec((spec) => {
        schema(spec, 'Difficulty').enum = ['easy', 'medium'];
      }),
    );
    const changes = classifyChanges(base, after).filter((change) => change.kind === 'enum-value-removed');
    // Question is the reply of two RPCs (questionGet, questionPick): once for each
    const users = ['MatchFound', 'MatchRequested', 'Question', 'Question', 'QuestionPickRequest'];
    expect(
      changes.map((change) => change.what.match(/\((\w+)\)/)?.[1]).sort(),
      JSON.stringify(changes, null, 2),
    ).toEqual(users);
    expect(changes.find((change) => change.what.includes('(MatchFound)'))?.pointer).toBe(
      '/components/messages/MatchFound/payload/properties/question/properties/difficulty',
    );
    // Each judged in its own flow: a narrower reply breaks no caller; narrower events and requests break their senders.
    const breaking = changes.filter((change) => change.breaking).map((change) => change.what.match(/\((\w+)\)/)?.[1]);
    expect(breaking.sort()).toEqual(['MatchFound', 'MatchRequested', 'QuestionPickRequest']);
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

  it.each([
    ['2.0.0', '1.0.0', true],
    ['1.0.0', '1.4.0', false],
    ['1.0.0', '2.0.0', false],
    ['draft', '1.0.0', false],
  ])('isMajorRegression(%s, %s) is %s', (before, after, regressed) => {
    expect(isMajorRegression(before, after)).toBe(regressed);
  });
});

describe('describeChange', () => {
  it('prints the verdict, where, what, why, then each consequence under it', () => {
    const lines = describeChange({
      kind: 'exchange-renamed',
      pointer: '/channels/userCreated/bindings/amqp/exchange',
      breaking: true,
      what: 'exchange "user.events" was renamed "users.events"',
      why: 'messages go unroutable or unseen',
      consequences: ['channel userCreated ("user.created") moves from "user.events" to "users.events"'],
    });
    expect(lines).toEqual([
      'BREAKING exchange-renamed at /channels/userCreated/bindings/amqp/exchange',
      '  exchange "user.events" was renamed "users.events"',
      '  messages go unroutable or unseen',
      '    - channel userCreated ("user.created") moves from "user.events" to "users.events"',
    ]);
  });
});
