/** The runtime's public surface: what generated facades and services import. */
export { connectService, openService } from './service.js';
export { serviceFacade, type Connect } from './facade.js';
export { assertPublishable, assertValid } from './validation.js';
export { closeOnSignals } from './shutdown.js';
export { pickTopology } from './pick-topology.js';
export { maskUrl, resolveConfig } from './config.js';
export { brokerRefusal } from './broker-refusal.js';
export * from './errors.js';
export type * from './api.js';
export type * from './definition.js';
