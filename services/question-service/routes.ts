/** question-service's HTTP API: browse the bank. */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../common/errors.js';
import { schemas } from '../../generated/schemas.js';
import type { Question } from '../../generated/payloads.js';
import { idParams, topics } from '../common/schemas.js';
import { filterQuestions, type QuestionFilter } from './bank.js';

export function registerQuestionRoutes(app: FastifyInstance, questions: readonly Question[]): void {
  app.get<{ Querystring: QuestionFilter }>(
    '/questions',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { difficulty: schemas.Difficulty, topic: topics.items },
        },
      },
    },
    async (request) => filterQuestions(questions, request.query),
  );

  app.get<{ Params: { question_id: string } }>(
    '/questions/:question_id',
    { schema: { params: idParams('question_id') } },
    async (request) => {
      const question = questions.find((candidate) => candidate.question_id === request.params.question_id);
      if (!question) throw notFound(`no question with id ${request.params.question_id}`);
      return question;
    },
  );
}
