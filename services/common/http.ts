/**
 * The HTTP side every service shares: fastify with its request logging on the service's logger,
 * `/health`, `/metrics` (the bus's prom-client registry), and one error format for every failure:
 * `{ statusCode, error, message }`, where a 4xx message says exactly what was wrong. Input is
 * validated, never coerced (validation.ts).
 */
import { STATUS_CODES } from 'node:http';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawServerDefault,
} from 'fastify';
import { MessagingError, type ServiceConnection } from '../../runtime/index.js';
import { HttpError } from './errors.js';
import { validateRequests } from './validation.js';
import type { ServiceContext } from './service.js';

/** The service's HTTP app, logging with its logger and serving its bus's metrics. */
export function createHttpApp(
  { logger, config }: ServiceContext,
  { instanceId, metrics }: Pick<ServiceConnection, 'instanceId' | 'metrics'>,
): FastifyInstance {
  const { service } = config;
  const loggerInstance: FastifyBaseLogger = logger; // fastify's own logger type, not pino's: the app's type says so
  // Explicit server type and typed handler parameters: left to inference, these calls make tsc work out
  // FastifyInstance's variance, seconds of every type check (the types are the same as inferred).
  const app: FastifyInstance = Fastify<RawServerDefault>({ loggerInstance });
  validateRequests(app);
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const statusCode = statusOf(error);
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    const message = statusCode === 500 ? 'internal error' : messageOf(error);
    return reply.status(statusCode).send({ statusCode, error: STATUS_CODES[statusCode], message });
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) =>
    reply
      .status(404)
      .send({ statusCode: 404, error: STATUS_CODES[404], message: `no route ${request.method} ${request.url}` }),
  );
  app.get('/health', async () => ({ status: 'ok', service, instance: instanceId }));
  app.get('/metrics', async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(metrics.contentType).send(await metrics.metrics()),
  );
  return app;
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.statusCode;
  if (error instanceof MessagingError) return error.code === 'validation' ? 400 : 503;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 ? statusCode : 500;
}

function messageOf(error: unknown): string {
  if (error instanceof MessagingError && error.code === 'validation')
    return `the event would break the contract: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
