import type { ConnectService } from './api.js';

export const connectService: ConnectService = async () => {
  throw new Error('connectService: not implemented yet');
};
