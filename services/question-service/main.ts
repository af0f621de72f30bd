/** question-service: the seeded question bank, over HTTP and RPC. */
import { createHttpApp } from '../common/http.js';
import { runService } from '../common/service.js';
import { validateQuestion } from '../../generated/validators.js';
import { connectQuestionBus } from './messaging.js';
import { registerQuestionRoutes } from './routes.js';
import { DEFAULT_SEED, loadQuestions } from './seed.js';

runService('question-service', 3002, async (context) => {
  const questions = loadQuestions(DEFAULT_SEED, validateQuestion);
  const bus = await connectQuestionBus(context, questions);
  const http = createHttpApp(context, bus);
  registerQuestionRoutes(http, questions);
  return { http, closers: [{ name: 'bus', close: () => bus.close() }] };
});
