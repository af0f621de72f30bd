/** The machine a benchmark ran on, for the report. */
import { cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpus: number;
  cpu: string;
  memoryGb: number;
  node: string;
  /** 1-minute load average when described: the cores are shared with whatever else runs. */
  loadAverage1m: number;
}

export function describeMachine(): Machine {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}
