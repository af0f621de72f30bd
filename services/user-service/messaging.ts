/** user-service on the bus: serves `user.profile.get`; its events leave through the outbox relay. */
import { assertPublishable } from '../../runtime/index.js';
import { connect, userServiceDefinition, type UserServiceBus } from '../../generated/services/user-service.js';
import { RpcFailure } from '../common/errors.js';
import { busOptions } from '../common/bus-options.js';
import type { ServiceContext } from '../common/service.js';
import type { OutboxEntry } from './outbox.js';
import type { UserStore } from './users.js';

export async function connectUserBus(context: ServiceContext, users: UserStore): Promise<UserServiceBus> {
  const bus = await connect(busOptions(context));
  await bus.start({
    userProfileGet: ({ user_id }) => {
      const user = users.get(user_id);
      if (!user) throw new RpcFailure('user_not_found', `no user with id ${user_id}`);
      return { user_id, username: user.username, profile_data: user.profile_data };
    },
  });
  return bus;
}

export function publishOutboxEntry(bus: UserServiceBus): (entry: OutboxEntry) => Promise<void> {
  return ({ event, payload, messageId }) => bus.publish[event](payload as never, { messageId });
}

export function checkUserEvent(event: OutboxEntry['event'], payload: unknown): void {
  assertPublishable(userServiceDefinition, event, payload);
}
