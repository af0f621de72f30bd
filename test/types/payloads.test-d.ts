/**
 * Type-level tests of the named payload types (generated/payloads.ts from asyncapi.yaml): each
 * named schema is a type of its own that other types use by name. `tsc --noEmit` checks this file;
 * test/compile/type-expectations.test.ts checks each `@ts-expect-error` fails for its reason.
 */
import type { Difficulty, MatchFound, MatchedQuestion, Question, Topics, UserId } from '../../generated/payloads.js';

declare const found: MatchFound;

export const difficulty: Difficulty = 'medium';
// @ts-expect-error Type '"trivial"' is not assignable to type 'Difficulty'
export const unknownDifficulty: Difficulty = 'trivial';

export const topics: Topics = ['arrays'];
// @ts-expect-error Type '[]' is not assignable to type 'Topics'
export const noTopics: Topics = [];

export const user: UserId = found.users[0].user_id;
export const announced: MatchedQuestion = found.question;
export const sameDifficulty: Difficulty = found.question.difficulty;
// @ts-expect-error missing the following properties from type 'Question': question_id, description
export const notTheReply: Question = found.question;
