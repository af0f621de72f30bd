/**
 * The watch loop alone (save asyncapi.yaml -> diagnostics or a regenerated, type-checked
 * project): prints the timings and writes bench/results/watch-loop.json. Not a test:
 * `npx tsx bench/watch-loop.ts [edits]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { measureWatchLoop } from './scenarios/watch-loop.js';
import { describeMachine } from './support/machine.js';

const RESULTS = resolve(import.meta.dirname, 'results');
const edits = Number(process.argv[2] ?? 5);
const loadAverage1mAtStart = Number((loadavg()[0] ?? 0).toFixed(2));
const result = await measureWatchLoop(edits);

console.log(`watch loop, median of ${edits} saves of each kind (load average at start ${loadAverage1mAtStart})`);
console.log(`  first cycle (generate + cold full type check): ${result.coldMs} ms`);
console.log(`  save -> regenerated and type-checked:          ${result.regenerateMs} ms`);
console.log(`  save -> the spec's diagnostics:                ${result.specErrorMs} ms`);

mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'watch-loop.json'), `${JSON.stringify({ machine: { ...describeMachine(), loadAverage1mAtStart }, result }, null, 2)}\n`);
