/** collaboration-service's HTTP API: look up a session, end it. */
import type { FastifyInstance } from 'fastify';
import { schemas } from '../../generated/schemas.js';
import { idParams } from '../common/schemas.js';
import type { SessionLifecycle } from './lifecycle.js';
import type { EndReason, SessionStore } from './sessions.js';

const contractReason = schemas.SessionEnded.properties.reason;
/** The contract's end reasons less `timed_out`: only the service itself times a session out. */
const endReason = { ...contractReason, enum: contractReason.enum.filter((reason) => reason !== 'timed_out') };

interface EndBody {
  user_id: string;
  reason?: Exclude<EndReason, 'timed_out'>;
}

export function registerSessionRoutes(app: FastifyInstance, sessions: SessionStore, lifecycle: SessionLifecycle): void {
  app.get<{ Params: { session_id: string } }>(
    '/sessions/:session_id',
    { schema: { params: idParams('session_id') } },
    async (request) => sessions.require(request.params.session_id),
  );

  app.post<{ Params: { session_id: string }; Body: EndBody }>(
    '/sessions/:session_id/end',
    {
      schema: {
        params: idParams('session_id'),
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['user_id'],
          properties: { user_id: schemas.UserId, reason: endReason },
        },
      },
    },
    async (request) =>
      lifecycle.end(request.params.session_id, request.body.user_id, request.body.reason ?? 'completed'),
  );
}
