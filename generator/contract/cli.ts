/**
 * `npm run contract:check [-- --base <ref> | --base-spec <file>] [--spec asyncapi.yaml] [--out generated]
 *   [--project tsconfig.json] [--skip generated,types]`
 * Exit codes (docs/cli.md): 0 every check passed, 1 a check failed, 2 bad usage, 3 an unexpected error.
 */
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../../runtime/cli/run-cli.js';
import { CHECK_NAMES, type CheckName } from './checks/check-result.js';
import { formatReport, runContractChecks } from './run-checks.js';

const HELP = `usage: npm run contract:check [-- [--base <git ref> | --base-spec <file>] [--spec <path>] [--out <dir>] [--project <tsconfig>] [--skip <checks>]]
  --base       compare with the spec at this git ref (default: the first spec of the current major version)
  --base-spec  compare with this file instead
  --spec       the AsyncAPI document (default asyncapi.yaml)
  --out        the generated directory to check (default generated)
  --project    the tsconfig to type-check (default tsconfig.json)
  --skip       comma-separated checks to skip: ${CHECK_NAMES.join(', ')}
environment: none
exit codes: 0 every check passed, 1 a check failed, 2 bad usage, 3 an unexpected error`;

function parseSkip(value: string | undefined): Set<CheckName> {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name.length > 0);
  const unknown = names.filter((name) => !(CHECK_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new UsageError(`--skip: unknown check(s) ${unknown.join(', ')}`);
  return new Set(names as CheckName[]);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      spec: { type: 'string', default: 'asyncapi.yaml' },
      out: { type: 'string', default: 'generated' },
      project: { type: 'string', default: 'tsconfig.json' },
      base: { type: 'string' },
      'base-spec': { type: 'string' },
      skip: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.base !== undefined && values['base-spec'] !== undefined)
    throw new UsageError('give --base or --base-spec, not both');
  const results = await runContractChecks({
    specPath: values.spec,
    outDir: values.out,
    project: values.project,
    ...(values.base === undefined ? {} : { baseRef: values.base }),
    ...(values['base-spec'] === undefined ? {} : { baseSpecPath: values['base-spec'] }),
    skip: parseSkip(values.skip),
  });
  const report = formatReport(values.spec, results);
  const ok = results.every((result) => result.ok);
  (ok ? console.log : console.error)(report);
  return ok ? 0 : 1;
}

runCli({ name: 'contract:check', help: HELP, main });
