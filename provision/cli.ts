/**
 * `npm run broker:provision [-- --vhost <name>] [--secrets <file>] [--user-prefix <prefix>] [--dry-run]`
 *
 * Creates the vhost, imports the contract's topology, and gives each service a user of its own
 * with the permissions derived from the contract (generated/permissions.json). Passwords come from
 * `PEERPREP_<SERVICE>_PASSWORD` or the secrets file; the admin from `RABBITMQ_ADMIN_USER` /
 * `RABBITMQ_ADMIN_PASSWORD` at `RABBITMQ_MANAGEMENT_URL`. Safe to run again. `--dry-run` prints
 * the plan and contacts nothing.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ServicePermissions } from '../runtime/permissions.js';
import { ExitCode, runCli } from '../runtime/cli/run-cli.js';
import { ManagementClient, managementConfigFromEnv } from './management.js';
import { provisionPlan, type ProvisionInput } from './plan.js';
import { applyPlan } from './provision.js';
import { passwordVariable, readSecretsFile } from './secrets.js';

const GENERATED = resolve(import.meta.dirname, '../generated');
function help(passwordVariables: string[]): string {
  return `usage: npm run broker:provision -- [--vhost <name>] [--secrets <file>] [--user-prefix <prefix>] [--dry-run]
Creates the vhost, imports the contract's topology and gives each service a broker user with the
permissions the contract grants it (generated/permissions.json). Safe to run again.
  --vhost        the vhost (default $RABBITMQ_VHOST or /)
  --secrets      a file with the services' passwords (JSON or NAME=value lines); wins over the environment
  --user-prefix  prefix for the service user names (default none)
  --dry-run      print the plan; contact nothing, need no password
environment:
  RABBITMQ_MANAGEMENT_URL   the management API (default http://localhost:15672; no credentials in it)
  RABBITMQ_ADMIN_USER       an administrator of the broker (required)
  RABBITMQ_ADMIN_PASSWORD   its password (required)
  RABBITMQ_VHOST            the vhost when --vhost is not given
  PEERPREP_<SERVICE>_PASSWORD  each service's password, unless --secrets gives it:
    ${passwordVariables.join(', ')}
exit codes: 0 provisioned (or planned), 2 bad usage, 3 a password or admin variable missing, the
  management API unreachable or refusing a step, or an unexpected error`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      vhost: { type: 'string', default: process.env.RABBITMQ_VHOST ?? '/' },
      secrets: { type: 'string' },
      'user-prefix': { type: 'string', default: '' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const permissions = servicePermissions();
  const services = permissions.map((each) => each.service);
  const dryRun = values['dry-run'];
  const input: ProvisionInput = {
    vhost: values.vhost,
    permissions,
    topology: readJson<ProvisionInput['topology']>('definitions.json'),
    userPrefix: values['user-prefix'],
    passwords: dryRun ? undefined : passwords(services, values.secrets),
  };
  const plan = provisionPlan(input);
  if (dryRun) {
    console.log(`Dry run: nothing was changed. The plan for vhost "${input.vhost}":`);
    for (const step of plan.steps) console.log(`- ${step.summary}`);
    return ExitCode.ok;
  }
  await applyPlan(plan, new ManagementClient(managementConfigFromEnv(process.env)), (line) => console.log(line));
  console.log(`Provisioned ${services.length} service users in vhost "${input.vhost}".`);
  return ExitCode.ok;
}

function servicePermissions(): ServicePermissions[] {
  return readJson<{ services: ServicePermissions[] }>('permissions.json').services;
}

/** The secrets file wins over the environment. */
function passwords(services: string[], secretsFile: string | undefined): Record<string, string | undefined> {
  const fromFile = secretsFile ? readSecretsFile(secretsFile, services) : {};
  return Object.fromEntries(
    services
      .map((service) => passwordVariable(service))
      .map((variable) => [variable, fromFile[variable] ?? process.env[variable]]),
  );
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(resolve(GENERATED, file), 'utf8')) as T;
}

runCli({
  name: 'broker:provision',
  help: help(servicePermissions().map((each) => passwordVariable(each.service))),
  main,
});
