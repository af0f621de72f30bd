/** matching-service on the bus: user events build the profiles, `session.ended` frees the users. */
import { connect, type MatchingServiceBus } from '../../generated/services/matching-service.js';
import { busOptions } from '../common/bus-options.js';
import type { ServiceContext } from '../common/service.js';
import type { ProfileStore } from './profiles.js';

export async function connectMatchingBus(context: ServiceContext, profiles: ProfileStore): Promise<MatchingServiceBus> {
  const bus = await connect(busOptions(context));
  await bus.start({
    userCreated: (event) => void profiles.apply(event),
    userUpdated: (event) => void profiles.apply(event),
    userDeleted: (event) => void profiles.apply(event),
    sessionEnded: (event) => profiles.leaveSession(event.session_id),
  });
  return bus;
}
