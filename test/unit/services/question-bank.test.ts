import { describe, expect, it } from 'vitest';
import type { Question, QuestionPickRequest } from '../../../generated/payloads.js';
import { filterQuestions, pickQuestion } from '../../../services/question-service/bank.js';
import { DEFAULT_SEED, loadQuestions } from '../../../services/question-service/seed.js';
import { validateQuestion } from '../../../generated/validators.js';

const q = (id: string, difficulty: Question['difficulty'], topics: Question['topics']): Question => ({
  question_id: id,
  title: id,
  difficulty,
  topics,
  description: '',
});
const BANK = [
  q('two-sum', 'medium', ['arrays', 'hashing']),
  q('anagrams', 'medium', ['strings', 'hashing', 'sorting']),
  q('islands', 'hard', ['graphs']),
  q('intervals', 'medium', ['arrays']),
];

describe('pickQuestion', () => {
  it.each<[string, QuestionPickRequest, string[]]>([
    [
      'the one question with the most shared topics',
      { difficulty: 'medium', topics: ['arrays', 'hashing'] },
      ['two-sum'],
    ],
    ['any of those sharing equally many', { difficulty: 'medium', topics: ['hashing'] }, ['two-sum', 'anagrams']],
    ['only the requested difficulty', { difficulty: 'hard', topics: ['graphs', 'arrays'] }, ['islands']],
    [
      'never an excluded one',
      { difficulty: 'medium', topics: ['arrays', 'hashing'], exclude_question_ids: ['two-sum'] },
      ['anagrams', 'intervals'],
    ],
  ])('%s', (_name, request, allowed) => {
    // 0 and 0.999 take the first and the last of the best candidates.
    for (const random of [0, 0.999]) {
      const picked = pickQuestion(BANK, request, () => random)?.question_id;
      expect(allowed).toContain(picked);
    }
  });

  it.each<[string, QuestionPickRequest]>([
    ['no question on any of the topics', { difficulty: 'medium', topics: ['graphs'] }],
    ['no question of that difficulty', { difficulty: 'easy', topics: ['arrays'] }],
    ['every candidate excluded', { difficulty: 'hard', topics: ['graphs'], exclude_question_ids: ['islands'] }],
  ])('none when there is %s', (_name, request) => {
    expect(pickQuestion(BANK, request)).toBeUndefined();
  });
});

describe('filterQuestions', () => {
  it.each<[string, Parameters<typeof filterQuestions>[1], string[]]>([
    ['no filter', {}, ['two-sum', 'anagrams', 'islands', 'intervals']],
    ['by difficulty', { difficulty: 'hard' }, ['islands']],
    ['by topic', { topic: 'hashing' }, ['two-sum', 'anagrams']],
    ['by both', { difficulty: 'medium', topic: 'arrays' }, ['two-sum', 'intervals']],
  ])('%s', (_name, filter, want) => {
    expect(filterQuestions(BANK, filter).map((question) => question.question_id)).toEqual(want);
  });
});

describe('the seed file', () => {
  it('holds only contract-valid questions with unique ids, and one for every difficulty', () => {
    const questions = loadQuestions(DEFAULT_SEED, validateQuestion);
    expect(new Set(questions.map((question) => question.difficulty))).toEqual(new Set(['easy', 'medium', 'hard']));
  });
});
