/** question-service on the bus: serves `question.pick` and `question.get`. */
import { connect, type QuestionServiceBus } from '../../generated/services/question-service.js';
import { RpcFailure } from '../common/errors.js';
import { busOptions } from '../common/bus-options.js';
import type { ServiceContext } from '../common/service.js';
import type { Question } from '../../generated/payloads.js';
import { pickQuestion } from './bank.js';

export async function connectQuestionBus(
  context: ServiceContext,
  questions: readonly Question[],
): Promise<QuestionServiceBus> {
  const bus = await connect(busOptions(context));
  await bus.start({
    questionPick: (request) => {
      const question = pickQuestion(questions, request);
      if (question) return question;
      const excluded = request.exclude_question_ids?.length ? ` (${request.exclude_question_ids.length} excluded)` : '';
      throw new RpcFailure(
        'no_matching_question',
        `no ${request.difficulty} question on any of the topics ${request.topics.join(', ')}${excluded}`,
      );
    },
    questionGet: ({ question_id }) => {
      const question = questions.find((candidate) => candidate.question_id === question_id);
      if (!question) throw new RpcFailure('question_not_found', `no question with id ${question_id}`);
      return question;
    },
  });
  return bus;
}
