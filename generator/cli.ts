/**
 * `npm run generate [-- --check | --watch] [--spec asyncapi.yaml] [--out generated] [--project tsconfig.json]`
 * Exit codes (docs/cli.md): 0 done (or up to date), 1 invalid spec or stale output, 2 bad usage, 3 an unexpected error.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../runtime/cli/run-cli.js';
import { formatDiagnostic } from './diagnostics.js';
import { generate } from './generate.js';
import { watchSpec, type WatchCycle, type WatchOptions } from './watch/watch-spec.js';
import { isUpToDate, type TreeDiff } from './write.js';

const HELP = `usage: npm run generate [-- [--check | --watch] [--spec <path>] [--out <dir>] [--project <tsconfig>]]
Generates typed facades, validators, topology and permissions from the contract.
  --spec     the AsyncAPI document (default asyncapi.yaml)
  --out      the output directory (default generated)
  --check    write nothing; exit 1 naming every stale, missing or extra file
  --watch    regenerate on each save of the spec, then type-check the project incrementally
             and print what the compiler says (Ctrl-C stops)
  --project  the tsconfig.json --watch type-checks (default tsconfig.json)
environment: none
exit codes: 0 done or up to date (or watched until Ctrl-C), 1 invalid spec or stale output, 2 bad usage, 3 an unexpected error`;

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

function reportCycle(cycle: WatchCycle, spec: string, outDir: string): void {
  const took = `${Math.round(cycle.ms)} ms`;
  if (cycle.kind === 'failed') {
    console.error(cycle.error);
    console.error(`${spec}: generation failed (${took}); watching for changes.`);
  } else if (cycle.kind === 'spec-errors') {
    for (const diagnostic of cycle.diagnostics) console.error(formatDiagnostic(diagnostic));
    console.error(
      `${spec}: ${cycle.diagnostics.length} problem(s); ${outDir}/ left unchanged (${took}); watching for changes.`,
    );
  } else {
    for (const error of cycle.typeErrors) console.error(error);
    const summary = cycle.changed === 0 ? 'already up to date' : `${cycle.changed} file(s) changed`;
    const types =
      cycle.typeErrors.length === 0 ? 'type check: no errors' : `type check: ${cycle.typeErrors.length} error(s)`;
    console.log(
      `Generated ${cycle.files} files into ${outDir}/ from ${spec}: ${summary}; ${types} (${took}); watching for changes.`,
    );
  }
}

async function watchUntilInterrupted(options: WatchOptions, outDir: string): Promise<number> {
  const watcher = watchSpec(options, (cycle) => reportCycle(cycle, options.specPath, outDir));
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  watcher.close();
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      spec: { type: 'string', default: 'asyncapi.yaml' },
      out: { type: 'string', default: 'generated' },
      check: { type: 'boolean', default: false },
      watch: { type: 'boolean', default: false },
      project: { type: 'string', default: 'tsconfig.json' },
    },
    strict: true,
    allowPositionals: false,
  });
  const outDir = relative(process.cwd(), values.out) || '.';
  if (values.watch) {
    if (values.check) throw new UsageError('--check and --watch cannot be combined');
    return watchUntilInterrupted({ specPath: values.spec, outDir: values.out, project: values.project }, outDir);
  }
  const started = performance.now();
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
