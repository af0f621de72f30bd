/**
 * Codegen time alone (`npm run bench` measures it too): prints a table and writes
 * bench/results/codegen.json. Not a test: `npx tsx bench/codegen.ts [runs]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measureCodegen } from './scenarios/codegen.js';
import { describeMachine } from './support/machine.js';

const RESULTS = resolve(import.meta.dirname, 'results');
const runs = Number(process.argv[2] ?? 5);
const results = await measureCodegen(runs);

console.log(`codegen, median of ${runs} warm runs (cold = first run in the process)\n`);
console.log('| spec | channels | files | load ms | emit ms | write ms | total ms | cold total ms |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of results) {
  console.log(`| ${r.spec} | ${r.channels} | ${r.files} | ${r.median.loadMs} | ${r.median.emitMs} | ${r.median.writeMs} | ${r.median.totalMs} | ${r.coldTotalMs} |`);
}

mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'codegen.json'), `${JSON.stringify({ machine: describeMachine(), results }, null, 2)}\n`);
