/**
 * `npm run generate [-- --check] [--spec asyncapi.yaml] [--out generated]`
 * Exit codes: 0 done (or up to date), 1 invalid spec or stale output, 2 bad usage or a crash.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic } from './diagnostics.js';
import { generate } from './generate.js';
import { watchSpec, type WatchCycle, type WatchOptions } from './watch/watch-spec.js';
import { isUpToDate, type TreeDiff } from './write.js';

const USAGE = `usage: npm run generate [-- [--check | --watch] [--spec <path>] [--out <dir>] [--project <tsconfig>]]
  --spec     the AsyncAPI document (default asyncapi.yaml)
  --out      the output directory (default generated)
  --check    write nothing; exit 1 naming every stale, missing or extra file
  --watch    regenerate on each save of the spec, then type-check the project incrementally
             and print what the compiler says (Ctrl-C stops)
  --project  the tsconfig.json --watch type-checks (default tsconfig.json)`;

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
    console.error(`${spec}: ${cycle.diagnostics.length} problem(s); ${outDir}/ left unchanged (${took}); watching for changes.`);
  } else {
    for (const error of cycle.typeErrors) console.error(error);
    const summary = cycle.changed === 0 ? 'already up to date' : `${cycle.changed} file(s) changed`;
    const types = cycle.typeErrors.length === 0 ? 'type check: no errors' : `type check: ${cycle.typeErrors.length} error(s)`;
    console.log(`Generated ${cycle.files} files into ${outDir}/ from ${spec}: ${summary}; ${types} (${took}); watching for changes.`);
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
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const outDir = relative(process.cwd(), values.out) || '.';
  if (values.watch) {
    if (values.check) {
      console.error(`--check and --watch cannot be combined\n${USAGE}`);
      return 2;
    }
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usageError = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    console.error(usageError ? `${error.message}\n${USAGE}` : error);
    process.exitCode = 2;
  },
);
