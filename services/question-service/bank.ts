/** The question bank: pure look-ups over the seeded questions. */
import type { Difficulty, Question, QuestionPickRequest } from '../../generated/payloads.js';

export interface QuestionFilter {
  difficulty?: Difficulty;
  topic?: string;
}

/**
 * A question of the requested difficulty sharing the most topics with the request (at random among
 * equals, so a pair does not always get the same one), never an excluded one; undefined if none
 * shares a topic.
 */
export function pickQuestion(
  questions: readonly Question[],
  request: QuestionPickRequest,
  random: () => number = Math.random,
): Question | undefined {
  const excluded = new Set(request.exclude_question_ids ?? []);
  const wanted = new Set(request.topics);
  let best: Question[] = [];
  let bestShared = 0;
  for (const question of questions) {
    if (question.difficulty !== request.difficulty || excluded.has(question.question_id)) continue;
    const shared = question.topics.filter((topic) => wanted.has(topic)).length;
    if (shared === 0 || shared < bestShared) continue;
    if (shared > bestShared) {
      best = [];
      bestShared = shared;
    }
    best.push(question);
  }
  return best[Math.floor(random() * best.length)];
}

export function filterQuestions(questions: readonly Question[], filter: QuestionFilter): Question[] {
  return questions.filter(
    (question) =>
      (filter.difficulty === undefined || question.difficulty === filter.difficulty) &&
      (filter.topic === undefined || question.topics.includes(filter.topic)),
  );
}
