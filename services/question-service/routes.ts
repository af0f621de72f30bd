/** question-service's HTTP API: browse the bank. */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../common/errors.js';
import { difficulty, idParams, text } from '../common/schemas.js';
import { filterQuestions, type Question, type QuestionFilter } from './bank.js';

export function registerQuestionRoutes(app: FastifyInstance, questions: readonly Question[]): void {
  app.get<{ Querystring: QuestionFilter }>(
    '/questions',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: { difficulty, topic: text(1, 50) } } } },
    async (request) => filterQuestions(questions, request.query),
  );

  app.get<{ Params: { question_id: string } }>('/questions/:question_id', { schema: { params: idParams('question_id') } }, async (request) => {
    const question = questions.find((candidate) => candidate.question_id === request.params.question_id);
    if (!question) throw notFound(`no question with id ${request.params.question_id}`);
    return question;
  });
}
