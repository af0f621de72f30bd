/** How the benchmarks connect a generated facade: the defaults a service gets, logging silenced. */
import { pino } from 'pino';
import type { ConnectOptions } from '../../runtime/index.js';

const silent = pino({ level: 'silent' });

export function facadeOptions(url: string, prefetch?: number): ConnectOptions {
  return { url, logger: silent, ...(prefetch !== undefined && { prefetch }) };
}
