/** user-service's HTTP API: create, read, update and delete users. */
import type { FastifyInstance } from 'fastify';
import { schemas } from '../../generated/schemas.js';
import { idParams, plainText, text } from '../common/schemas.js';
import type { NewUser, UserChanges, UserStore } from './users.js';

const username = plainText(schemas.UserCreated.properties.username);
const email = { ...schemas.UserCreated.properties.email, maxLength: 254 } as const;
/** The contract's profile fields, closed and bounded for what a client may write. */
const profileData = {
  type: 'object',
  additionalProperties: false,
  properties: {
    display_name: text(0, 100),
    preferred_language: text(0, 50),
    skill_level: schemas.UserProfile.properties.profile_data.properties.skill_level,
  },
} as const;

interface UserParams {
  user_id: string;
}

/** `onWrite` runs after every committed change (it wakes the outbox relay). */
export function registerUserRoutes(app: FastifyInstance, users: UserStore, onWrite: () => void): void {
  app.post<{ Body: NewUser }>(
    '/users',
    {
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'email'],
          properties: { username, email, profile_data: profileData },
        },
      },
    },
    async (request, reply) => {
      const user = users.create(request.body);
      onWrite();
      return reply.status(201).send(user);
    },
  );

  app.get<{ Params: UserParams }>('/users/:user_id', { schema: { params: idParams('user_id') } }, async (request) =>
    users.require(request.params.user_id),
  );

  app.patch<{ Params: UserParams; Body: UserChanges }>(
    '/users/:user_id',
    {
      schema: {
        params: idParams('user_id'),
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { username, email, profile_data: profileData },
        },
      },
    },
    async (request) => {
      const user = users.update(request.params.user_id, request.body);
      onWrite();
      return user;
    },
  );

  app.delete<{ Params: UserParams }>(
    '/users/:user_id',
    { schema: { params: idParams('user_id') } },
    async (request, reply) => {
      users.delete(request.params.user_id);
      onWrite();
      return reply.status(204).send();
    },
  );
}
