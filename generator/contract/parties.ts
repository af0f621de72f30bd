/** Which services are on each side of a channel or an RPC, for naming who a change breaks. */
import type { Model } from '../model/types.js';

export function channelParties(model: Model, channelId: string): { producers: string[]; consumers: string[] } {
  return {
    producers: model.services
      .filter((service) => service.publishes.some((use) => use.channel.id === channelId))
      .map((service) => service.name),
    consumers: model.services
      .filter((service) => service.consumes.some((use) => use.channel.id === channelId))
      .map((service) => service.name),
  };
}

export function rpcParties(model: Model, rpcId: string): { callers: string[]; servers: string[] } {
  return {
    callers: model.services
      .filter((service) => service.calls.some((use) => use.rpc.id === rpcId))
      .map((service) => service.name),
    servers: model.services
      .filter((service) => service.serves.some((use) => use.rpc.id === rpcId))
      .map((service) => service.name),
  };
}

/** `consumers (matching-service, collaboration-service)`, or `consumers (none yet)`. */
export function listParties(services: string[], role: string): string {
  return `${role} (${services.length === 0 ? 'none yet' : services.join(', ')})`;
}
