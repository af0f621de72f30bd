/**
 * Type-level tests of the generated facades (generated/ from asyncapi.yaml). `tsc --noEmit`
 * checks this file: every `@ts-expect-error` line must fail to compile, everything else must
 * compile. test/compile/type-expectations.test.ts also checks that each of them fails for the
 * reason written after the directive. Nothing here runs.
 */
import type { CollaborationServiceBus } from '../../generated/services/collaboration-service.js';
import type { MatchingServiceBus, MatchingServiceHandlers, MatchingServiceOptions } from '../../generated/services/matching-service.js';
import type { QuestionServiceBus } from '../../generated/services/question-service.js';
import type { UserServiceBus } from '../../generated/services/user-service.js';
import type { CodeUpdated, UserCreated, UserProfile } from '../../generated/payloads.js';

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
  // @ts-expect-error Property 'publish' does not exist on type 'QuestionServiceBus'
  await question.publish;
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
  // @ts-expect-error Type '"trivial"' is not assignable to type '"easy" | "medium" | "hard"'
  await matching.call.questionPick({ difficulty: 'trivial', topics: ['arrays'] });
  // @ts-expect-error Source has 0 element(s) but target requires 1
  await matching.call.questionPick({ difficulty: 'easy', topics: [] });
  // @ts-expect-error Property 'call' does not exist on type 'UserServiceBus'
  await user.call;
}

export const handlers: MatchingServiceHandlers = {
  userCreated: (event) => void event.username,
  userUpdated: (event) => void event.email,
  userDeleted: async () => undefined,
  sessionEnded: (event, context) => {
    const sessionId: string = context.params.session_id;
    // @ts-expect-error Property 'question_id' does not exist on type 'SessionEnded'
    void event.question_id;
    void sessionId;
  },
};

// @ts-expect-error Property 'sessionEnded' is missing
export const incomplete: MatchingServiceHandlers = {
  userCreated: () => undefined,
  userUpdated: () => undefined,
  userDeleted: () => undefined,
};

// Handlers made from the bus: they may publish and call with exactly the facade's operations.
export const fromBus: MatchingServiceOptions['handlers'] = (bus) => ({
  ...handlers,
  userCreated: async (event) => {
    await bus.call.userProfileGet({ user_id: event.user_id });
    // @ts-expect-error Property 'userCreated' does not exist on type 'MatchingServicePublishers'
    await bus.publish.userCreated(event);
  },
});
