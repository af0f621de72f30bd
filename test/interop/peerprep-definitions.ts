/**
 * Hand-built service definitions with the PeerPrep deployment's wire names, for the interop tests:
 * our user-service publishes `user.created` on the `user.events` topic exchange and serves
 * `user.profile.get`; our matching-service consumes `user.created` from `matching.user_events`
 * (declared with NO arguments, exactly as the Python consumer declares it) and calls
 * `user.profile.get`. Schemas follow asyncapi.yaml, naive Python timestamps included.
 */
import type { RpcSpec, ServiceDefinition } from '../../runtime/index.js';
import { plainDurableQueue, validator } from '../support/definitions.js';

export const USER_EVENTS_EXCHANGE = 'user.events';
export const USER_CREATED_KEY = 'user.created';
export const MATCHING_USER_EVENTS_QUEUE = 'matching.user_events';
export const MATCHING_DEAD_LETTER_QUEUE = 'matching.user_events.dead-letter';
export const USER_PROFILE_QUEUE = 'user.profile.get';

export interface UserCreated {
  user_id: string;
  username: string;
  email: string;
  timestamp: string;
}

export interface UserProfileRequest {
  user_id: string;
}

export interface UserProfile {
  user_id: string;
  username: string;
  profile_data: Record<string, unknown>;
}

const userId = { type: 'string', format: 'uuid' };
const userCreatedSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['user_id', 'username', 'email', 'timestamp'],
  properties: {
    user_id: userId,
    username: { type: 'string', minLength: 3, maxLength: 32 },
    email: { type: 'string', format: 'email' },
    // `iso-date-time` takes the Python services' naive `datetime.utcnow().isoformat()`.
    timestamp: { type: 'string', format: 'iso-date-time' },
  },
};

const userProfileRpc: RpcSpec = {
  name: 'getUserProfile',
  queue: USER_PROFILE_QUEUE,
  requestMessage: 'UserProfileRequest',
  replyMessage: 'UserProfile',
  validateRequest: validator({
    type: 'object',
    additionalProperties: false,
    required: ['user_id'],
    properties: { user_id: userId },
  }),
  validateReply: validator({
    type: 'object',
    required: ['user_id', 'username', 'profile_data'],
    properties: { user_id: userId, username: { type: 'string' }, profile_data: { type: 'object' } },
  }),
};

const userEventsExchange = { name: USER_EVENTS_EXCHANGE, type: 'topic', durable: true, autoDelete: false } as const;

export function userServiceDefinition(): ServiceDefinition {
  return {
    service: 'user-service',
    topology: { exchanges: [userEventsExchange], queues: [plainDurableQueue(USER_PROFILE_QUEUE, 'rpc')], bindings: [] },
    publishers: [
      {
        name: 'userCreated',
        message: 'UserCreated',
        exchange: USER_EVENTS_EXCHANGE,
        routingKey: USER_CREATED_KEY,
        parameters: [],
        mandatory: true,
        persistent: true,
        validate: validator(userCreatedSchema),
      },
    ],
    consumers: [],
    rpcClients: [],
    rpcServers: [userProfileRpc],
  };
}

export function matchingServiceDefinition(): ServiceDefinition {
  return {
    service: 'matching-service',
    topology: {
      exchanges: [userEventsExchange],
      queues: [
        plainDurableQueue(MATCHING_USER_EVENTS_QUEUE, 'consumer'),
        plainDurableQueue(MATCHING_DEAD_LETTER_QUEUE, 'dead-letter'),
      ],
      bindings: [{ exchange: USER_EVENTS_EXCHANGE, queue: MATCHING_USER_EVENTS_QUEUE, pattern: USER_CREATED_KEY }],
    },
    publishers: [],
    consumers: [
      {
        name: 'onUserCreated',
        message: 'UserCreated',
        exchange: USER_EVENTS_EXCHANGE,
        routingKey: USER_CREATED_KEY,
        parameters: [],
        queue: MATCHING_USER_EVENTS_QUEUE,
        validate: validator(userCreatedSchema),
        retry: { maxAttempts: 1, delayQueues: [] },
        deadLetterQueue: MATCHING_DEAD_LETTER_QUEUE,
        prefetch: 10,
      },
    ],
    rpcClients: [userProfileRpc],
    rpcServers: [],
  };
}
