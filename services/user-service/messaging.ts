/** user-service on the bus: serves `user.profile.get`; its events leave through the outbox relay. */
import { connect, userServiceDefinition, type UserServiceBus, type UserServiceHandlers } from '../../generated/services/user-service.js';
import { RpcFailure } from '../common/errors.js';
import { assertPublishable } from '../common/contract.js';
import { busOptions } from '../common/bus-options.js';
import type { ServiceContext } from '../common/service.js';
import { traceBus, traceHandlers } from '../common/trace.js';
import type { OutboxEntry } from './outbox.js';
import type { UserStore } from './users.js';

export async function connectUserBus(context: ServiceContext, users: UserStore): Promise<UserServiceBus> {
  const handlers = traceHandlers<UserServiceHandlers>(
    userServiceDefinition,
    {
      userProfileGet: ({ user_id }) => {
        const user = users.get(user_id);
        if (!user) throw new RpcFailure('user_not_found', `no user with id ${user_id}`);
        return { user_id, username: user.username, profile_data: user.profile_data };
      },
    },
    context.logger,
  );
  const bus = await connect({ ...busOptions(context), handlers });
  return traceBus(userServiceDefinition, bus, context.logger);
}

export function publishOutboxEntry(bus: UserServiceBus): (entry: OutboxEntry) => Promise<void> {
  return ({ event, payload, messageId }) => bus.publish[event](payload as never, { messageId });
}

export function checkUserEvent(event: OutboxEntry['event'], payload: unknown): void {
  assertPublishable(userServiceDefinition, event, payload);
}
