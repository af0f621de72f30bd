/** matching-service's HTTP API: profiles (read-only), match requests (ask, look up, cancel). */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../common/errors.js';
import { schemas } from '../../generated/schemas.js';
import { idParams, topics } from '../common/schemas.js';
import type { MatchRequestInput, Matchmaker } from './matchmaker.js';
import type { ProfileStore } from './profiles.js';

export function registerMatchingRoutes(app: FastifyInstance, profiles: ProfileStore, matchmaker: Matchmaker): void {
  app.get<{ Params: { user_id: string } }>(
    '/profiles/:user_id',
    { schema: { params: idParams('user_id') } },
    async (request) => {
      const profile = profiles.get(request.params.user_id);
      if (!profile) throw notFound(`no matching profile for user ${request.params.user_id}`);
      return profile;
    },
  );

  app.post<{ Body: MatchRequestInput }>(
    '/match-requests',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['user_id', 'difficulty', 'topics'],
          properties: { user_id: schemas.UserId, difficulty: schemas.Difficulty, topics },
        },
      },
    },
    async (request, reply) => reply.status(201).send(await matchmaker.request(request.body)),
  );

  app.get<{ Params: { request_id: string } }>(
    '/match-requests/:request_id',
    { schema: { params: idParams('request_id') } },
    async (request) => matchmaker.view(request.params.request_id),
  );

  app.delete<{ Params: { request_id: string } }>(
    '/match-requests/:request_id',
    { schema: { params: idParams('request_id') } },
    async (request) => matchmaker.cancel(request.params.request_id),
  );
}
