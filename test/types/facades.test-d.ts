/**
 * Type-level tests of the generated facades (generated/ from asyncapi.yaml). `tsc --noEmit`
 * checks this file: every `@ts-expect-error` line must fail to compile, everything else must
 * compile. test/compile/type-expectations.test.ts also checks that each of them fails for the
 * reason written after the directive. Nothing here runs.
 *
 * Pinned by hand: how the payloads, routing-key parameters, RPC replies and handler arguments of
 * a few operations the services rely on are typed. Nothing here lists a service's whole set of
 * operations, so adding an event or an RPC (docs/guides/) changes nothing in this file: which
 * members each facade has, derived from the contract, is test/compile/facade-members.test.ts.
 */
import type { CollaborationServiceBus } from '../../generated/services/collaboration-service.js';
import {
  matchingServiceDefinition,
  type MatchingServiceApi,
  type MatchingServiceBus,
  type MatchingServiceHandlers,
} from '../../generated/services/matching-service.js';
import type { QuestionServiceBus } from '../../generated/services/question-service.js';
import type { UserServiceBus } from '../../generated/services/user-service.js';
import type { CodeUpdated, UserCreated, UserProfile } from '../../generated/payloads.js';
import { validateReceivedUserProfile, validateUserCreated } from '../../generated/validators.js';
import type { TypedServiceDefinition } from '../../runtime/index.js';

declare const user: UserServiceBus;
declare const matching: MatchingServiceBus;
declare const collaboration: CollaborationServiceBus;
declare const question: QuestionServiceBus;

const created: UserCreated = {
  user_id: '8f14e45f-ceea-467f-9a3a-6b1f2c1d9e01',
  username: 'ada',
  email: 'ada@example.com',
  timestamp: '2026-11-29T10:15:00.000Z',
};
const edit: CodeUpdated = {
  session_id: '3d6f0a4e-7b1c-4d2e-9f8a-1c2b3d4e5f60',
  user_id: created.user_id,
  code_delta: 'x = 1',
  timestamp: created.timestamp,
};

export async function publishing(): Promise<void> {
  await user.publish.userCreated(created);
  // @ts-expect-error Property 'userCreated' does not exist on type 'MatchingServicePublishers'
  await matching.publish.userCreated(created);
  // One line: split by the formatter, the error would leave the line below its directive.
  // prettier-ignore
  // @ts-expect-error 'usr_id' does not exist in type 'UserCreated'
  await user.publish.userCreated({ usr_id: created.user_id, username: 'ada', email: 'ada@example.com', timestamp: created.timestamp });
  // @ts-expect-error Type 'number' is not assignable to type 'string'
  await user.publish.userCreated({ ...created, user_id: 42 });
  // @ts-expect-error Property 'email' is missing
  await user.publish.userCreated({ user_id: created.user_id, username: 'ada', timestamp: created.timestamp });

  await collaboration.publish.codeUpdated(edit, { session_id: edit.session_id });
  await collaboration.publish.codeUpdated(edit, { session_id: edit.session_id }, { timeoutMs: 500 });
  // @ts-expect-error Expected 2-3 arguments, but got 1
  await collaboration.publish.codeUpdated(edit);
  // @ts-expect-error 'session' does not exist in type '{ session_id: string; }'
  await collaboration.publish.codeUpdated(edit, { session: edit.session_id });
}

export async function calling(): Promise<void> {
  const profile: UserProfile = await matching.call.userProfileGet({ user_id: created.user_id });
  void profile.profile_data;
  const picked = await matching.call.questionPick({ difficulty: 'medium', topics: ['arrays'] });
  void picked.question_id;
  // @ts-expect-error Type '"trivial"' is not assignable to type
  await matching.call.questionPick({ difficulty: 'trivial', topics: ['arrays'] });
  // @ts-expect-error Source has 0 element(s) but target requires 1
  await matching.call.questionPick({ difficulty: 'easy', topics: [] });
}

export const onUserCreated: MatchingServiceHandlers['userCreated'] = (event) => void event.username;
export const onUserUpdated: MatchingServiceHandlers['userUpdated'] = (event) => void event.email;
export const onUserDeleted: MatchingServiceHandlers['userDeleted'] = async () => undefined;
export const onSessionEnded: MatchingServiceHandlers['sessionEnded'] = (event, context) => {
  const sessionId: string = context.params.session_id;
  // @ts-expect-error Property 'question_id' does not exist on type 'SessionEnded'
  void event.question_id;
  void sessionId;
};

// A complete set but one handler: exactly that one is reported missing, whatever else the contract adds.
declare const handlers: MatchingServiceHandlers;
const { sessionEnded: _omitted, ...allButSessionEnded } = handlers;
// @ts-expect-error Property 'sessionEnded' is missing
export const incomplete: MatchingServiceHandlers = allButSessionEnded;

// Handlers are attached after connect, so they are made with the bus: they may publish and call with exactly the facade's operations.
export async function starting(): Promise<void> {
  await matching.start({
    ...handlers,
    userCreated: async (event) => {
      await matching.call.userProfileGet({ user_id: event.user_id });
      // @ts-expect-error Property 'userCreated' does not exist on type 'MatchingServicePublishers'
      await matching.publish.userCreated(event);
    },
  });
  // @ts-expect-error Property 'sessionEnded' is missing
  await matching.start(allButSessionEnded);
  await question.start({
    questionGet: (request) => ({
      question_id: request.question_id,
      title: 't',
      difficulty: 'easy',
      topics: ['arrays'],
      description: 'd',
    }),
    questionPick: () => {
      throw new Error('none');
    },
  });
}

// The definition is typed by the facade's specs, one per method in order: a spec names its method, its validator checks that method's payload.
const [firstPublisher, ...otherPublishers] = matchingServiceDefinition.publishers;
const [questionPick, ...otherCalls] = matchingServiceDefinition.rpcClients;
export const validDefinition: TypedServiceDefinition<MatchingServiceApi> = { ...matchingServiceDefinition };
export const wrongPayload: TypedServiceDefinition<MatchingServiceApi> = {
  ...matchingServiceDefinition,
  // @ts-expect-error Type predicate 'data is UserCreated' is not assignable to
  publishers: [{ ...firstPublisher, validate: validateUserCreated }, ...otherPublishers],
};
export const wrongName: TypedServiceDefinition<MatchingServiceApi> = {
  ...matchingServiceDefinition,
  // @ts-expect-error Type '"userCreated"' is not assignable to type
  publishers: [{ ...firstPublisher, name: 'userCreated' }, ...otherPublishers],
};
export const wrongReply: TypedServiceDefinition<MatchingServiceApi> = {
  ...matchingServiceDefinition,
  // @ts-expect-error Type 'Validator<UserProfile>' is not assignable to type 'Validator<Question>'
  rpcClients: [{ ...questionPick, validateReply: validateReceivedUserProfile }, ...otherCalls],
};
export const missingSpec: TypedServiceDefinition<MatchingServiceApi> = {
  ...matchingServiceDefinition,
  // @ts-expect-error but target requires
  publishers: otherPublishers,
};

export async function subscribing(): Promise<void> {
  const session_id = edit.session_id;
  await collaboration.subscribe.codeUpdated({ session_id });
  await collaboration.unsubscribe.sessionEnded({ session_id });
  // @ts-expect-error Property 'session_id' is missing in type '{}' but required in type '{ session_id: string; }'
  await collaboration.subscribe.codeUpdated({});
  // @ts-expect-error Type 'number' is not assignable to type 'string'
  await collaboration.subscribe.codeUpdated({ session_id: 42 });
  // @ts-expect-error Property 'matchFound' does not exist on type 'CollaborationServiceSubscriptions'
  await collaboration.subscribe.matchFound({});
  // @ts-expect-error Property 'subscribe' does not exist on type 'MatchingServiceBus'
  await matching.subscribe.sessionEnded({ session_id });
  // @ts-expect-error Property 'unsubscribe' does not exist on type 'UserServiceBus'
  await user.unsubscribe;
  collaboration.onResubscribed.codeUpdated((held) => held.map(({ session_id: id }) => id.toUpperCase()));
  // @ts-expect-error Property 'room_id' does not exist on type '{ session_id: string; }'
  collaboration.onResubscribed.sessionEnded((held) => held.map(({ room_id }) => room_id));
  // @ts-expect-error Property 'matchFound' does not exist on type
  collaboration.onResubscribed.matchFound(() => undefined);
  // @ts-expect-error Property 'onResubscribed' does not exist on type 'MatchingServiceBus'
  matching.onResubscribed.sessionEnded(() => undefined);
}
