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
import type { ServicePermissions } from '../generator/model/permissions.js';
import { ManagementClient, managementConfigFromEnv } from './management.js';
import { provisionPlan, type ProvisionInput } from './plan.js';
import { applyPlan } from './provision.js';
import { passwordVariable, readSecretsFile } from './secrets.js';

const GENERATED = resolve(import.meta.dirname, '../generated');
const USAGE = 'usage: npm run broker:provision -- [--vhost <name>] [--secrets <file>] [--user-prefix <prefix>] [--dry-run]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      vhost: { type: 'string', default: process.env.RABBITMQ_VHOST ?? '/' },
      secrets: { type: 'string' },
      'user-prefix': { type: 'string', default: '' },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const permissions = readJson<{ services: ServicePermissions[] }>('permissions.json').services;
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
    return;
  }
  await applyPlan(plan, new ManagementClient(managementConfigFromEnv(process.env)), (line) => console.log(line));
  console.log(`Provisioned ${services.length} service users in vhost "${input.vhost}".`);
}

/** The secrets file wins over the environment. */
function passwords(services: string[], secretsFile: string | undefined): Record<string, string | undefined> {
  const fromFile = secretsFile ? readSecretsFile(secretsFile, services) : {};
  return Object.fromEntries(services.map((service) => passwordVariable(service)).map((variable) => [variable, fromFile[variable] ?? process.env[variable]]));
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(resolve(GENERATED, file), 'utf8')) as T;
}

main().catch((error: unknown) => {
  console.error(`broker:provision failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
