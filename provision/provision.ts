/** Carries out a provisioning plan through the management API, step by step, in order. */
import { CliError, ExitCode } from '../runtime/cli/run-cli.js';
import type { ManagementClient } from './management.js';
import type { ProvisionPlan, StaleTopicPermissionsRemoval } from './plan.js';

export async function applyPlan(
  plan: ProvisionPlan,
  client: ManagementClient,
  report: (line: string) => void,
): Promise<void> {
  if (plan.missingPasswords.length > 0) {
    throw new CliError(
      `no password for: ${plan.missingPasswords.join(', ')}`,
      'set them in the environment or a --secrets file; see npm run broker:provision -- --help',
      ExitCode.unavailable,
    );
  }
  for (const step of plan.steps) {
    if (step.kind === 'call') await client.call(step.method, step.path, step.body);
    else await removeStaleTopicPermissions(step, client);
    report(`done: ${step.summary}`);
  }
}

async function removeStaleTopicPermissions(
  step: StaleTopicPermissionsRemoval,
  client: ManagementClient,
): Promise<void> {
  const existing = (await client.call('GET', `/users/${encodeURIComponent(step.user)}/topic-permissions`)) as {
    vhost: string;
    exchange: string;
  }[];
  const stale = existing.some(
    (permission) => permission.vhost === step.vhost && !step.keep.includes(permission.exchange),
  );
  if (stale)
    await client.call(
      'DELETE',
      `/topic-permissions/${encodeURIComponent(step.vhost)}/${encodeURIComponent(step.user)}`,
    );
}
