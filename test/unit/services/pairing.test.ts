import { describe, expect, it } from 'vitest';
import {
  compatible,
  findPartner,
  sharedTopics,
  type MatchRequest,
} from '../../../services/matching-service/pairing.js';

function req(
  id: string,
  user: string,
  difficulty: MatchRequest['difficulty'],
  topics: MatchRequest['topics'],
): MatchRequest {
  return { request_id: id, user_id: user, difficulty, topics, requested_at: '2026-11-29T10:00:00.000Z' };
}

describe('sharedTopics', () => {
  it.each<[string, MatchRequest['topics'], MatchRequest['topics'], string[] | undefined]>([
    ['one in common', ['arrays', 'hashing'], ['hashing', 'strings'], ['hashing']],
    ['all in common, in the order of the first', ['b', 'a'], ['a', 'b'], ['b', 'a']],
    ['none in common', ['graphs'], ['strings'], undefined],
    ['case matters', ['Graphs'], ['graphs'], undefined],
  ])('%s', (_name, a, b, want) => {
    expect(sharedTopics(a, b)).toEqual(want);
  });
});

describe('compatible', () => {
  it.each<[string, MatchRequest, MatchRequest, boolean]>([
    [
      'same difficulty, a shared topic',
      req('1', 'ada', 'medium', ['arrays', 'hashing']),
      req('2', 'grace', 'medium', ['hashing']),
      true,
    ],
    ['different difficulty', req('1', 'ada', 'medium', ['arrays']), req('2', 'grace', 'hard', ['arrays']), false],
    ['no shared topic', req('1', 'ada', 'easy', ['arrays']), req('2', 'grace', 'easy', ['graphs']), false],
    ['the same user twice', req('1', 'ada', 'easy', ['arrays']), req('2', 'ada', 'easy', ['arrays']), false],
  ])('%s', (_name, a, b, want) => {
    expect(compatible(a, b)).toBe(want);
    expect(compatible(b, a)).toBe(want);
  });
});

describe('findPartner', () => {
  const newcomer = req('new', 'grace', 'medium', ['hashing', 'strings']);
  it.each<[string, MatchRequest[], string | undefined]>([
    ['an empty queue', [], undefined],
    [
      'only incompatible requests',
      [req('a', 'ada', 'hard', ['hashing']), req('b', 'alan', 'medium', ['graphs'])],
      undefined,
    ],
    [
      'the one compatible request',
      [req('a', 'ada', 'hard', ['hashing']), req('b', 'alan', 'medium', ['strings'])],
      'b',
    ],
    [
      'the longest-waiting of several',
      [req('a', 'ada', 'medium', ['hashing']), req('b', 'alan', 'medium', ['strings'])],
      'a',
    ],
    ['not the request itself', [newcomer], undefined],
    ['not another request of the same user', [req('a', 'grace', 'medium', ['hashing'])], undefined],
  ])('%s', (_name, pending, want) => {
    expect(findPartner(pending, newcomer)?.request_id).toBe(want);
  });
});
