/**
 * `npm run generate [-- --check] [--spec asyncapi.yaml] [--out generated]`
 * Exit codes (docs/cli.md): 0 done (or up to date), 1 invalid spec or stale output, 2 bad usage, 3 an unexpected error.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli } from '../runtime/cli/run-cli.js';
import { formatDiagnostic } from './diagnostics.js';
import { generate } from './generate.js';
import { isUpToDate, type TreeDiff } from './write.js';

const HELP = `usage: npm run generate [-- [--check] [--spec <path>] [--out <dir>]]
Generates typed facades, validators, topology and permissions from the contract.
  --spec   the AsyncAPI document (default asyncapi.yaml)
  --out    the output directory (default generated)
  --check  write nothing; exit 1 naming every stale, missing or extra file
environment: none
exit codes: 0 done or up to date, 1 invalid spec or stale output, 2 bad usage, 3 an unexpected error`;

function staleLines(diff: TreeDiff, outDir: string): string[] {
  const at = (path: string) => `${outDir}/${path}`;
  return [
    ...diff.stale.map((path) => `  stale    ${at(path)}`),
    ...diff.missing.map((path) => `  missing  ${at(path)}`),
    ...diff.extra.map((path) => `  extra    ${at(path)}`),
  ];
}

function changeCount(diff: TreeDiff): number {
  return diff.stale.length + diff.missing.length + diff.extra.length;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      spec: { type: 'string', default: 'asyncapi.yaml' },
      out: { type: 'string', default: 'generated' },
      check: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const started = performance.now();
  const outDir = relative(process.cwd(), values.out) || '.';
  const result = await generate({ specPath: values.spec, outDir: values.out, check: values.check });
  const took = `${Math.round(performance.now() - started)} ms`;
  if (!result.ok) {
    for (const diagnostic of result.diagnostics) console.error(formatDiagnostic(diagnostic));
    console.error(`${values.spec}: ${result.diagnostics.length} problem(s); ${outDir}/ left unchanged.`);
    return 1;
  }
  if (values.check) {
    if (isUpToDate(result.diff)) {
      console.log(`${outDir}/ is up to date with ${values.spec} (${result.files} files, ${took}).`);
      return 0;
    }
    console.error(`${outDir}/ does not match ${values.spec}:`);
    for (const line of staleLines(result.diff, outDir)) console.error(line);
    console.error('Run `npm run generate` and commit the result.');
    return 1;
  }
  const changed = changeCount(result.diff);
  const summary = changed === 0 ? 'already up to date' : `${changed} file(s) changed`;
  console.log(`Generated ${result.files} files into ${outDir}/ from ${values.spec}: ${summary} (${took}).`);
  return 0;
}

runCli({ name: 'generate', help: HELP, main });
