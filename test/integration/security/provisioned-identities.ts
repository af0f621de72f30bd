/**
 * Test helper: provisions the contract's per-service users into a test vhost through the same code
 * as `npm run broker:provision`, with user names unique to the vhost, and removes them afterwards.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ServicePermissions } from '../../../runtime/permissions.js';
import { ManagementClient } from '../../../provision/management.js';
import { provisionPlan, type ProvisionInput } from '../../../provision/plan.js';
import { applyPlan } from '../../../provision/provision.js';
import { passwordVariable } from '../../../provision/secrets.js';
import { createTestVhost, type TestVhost } from '../../support/broker.js';

const GENERATED = resolve(import.meta.dirname, '../../../generated');
/** The local broker's administrator (loopback only), as the rest of test support uses it. */
export const localManagement = new ManagementClient({
  baseUrl: 'http://127.0.0.1:15672',
  user: 'guest',
  password: 'guest',
});

export interface ProvisionedIdentities {
  vhost: TestVhost;
  /** AMQP URL of the vhost as the service's own user. */
  urlOf(service: string): string;
  userOf(service: string): string;
  passwordOf(service: string): string;
  dispose(): Promise<void>;
}

export function readGenerated<T>(file: string): T {
  return JSON.parse(readFileSync(resolve(GENERATED, file), 'utf8')) as T;
}

export async function provisionTestIdentities(
  label: string,
  passwords: (service: string) => string = () => randomBytes(16).toString('hex'),
): Promise<ProvisionedIdentities> {
  const vhost = await createTestVhost(label);
  const permissions = readGenerated<{ services: ServicePermissions[] }>('permissions.json').services;
  const secrets = Object.fromEntries(permissions.map(({ service }) => [passwordVariable(service), passwords(service)]));
  const userPrefix = `${vhost.name}-`;
  const plan = provisionPlan({
    vhost: vhost.name,
    permissions,
    topology: readGenerated<ProvisionInput['topology']>('definitions.json'),
    userPrefix,
    passwords: secrets,
  });
  const users = permissions.map(({ service }) => `${userPrefix}${service}`);
  const removeUsers = () =>
    Promise.all(
      users.map((user) => localManagement.call('DELETE', `/users/${encodeURIComponent(user)}`).catch(() => undefined)),
    );
  try {
    await applyPlan(plan, localManagement, () => undefined);
  } catch (error) {
    await removeUsers();
    await vhost.dispose();
    throw error;
  }
  const passwordOf = (service: string) => secrets[passwordVariable(service)] ?? '';
  const userOf = (service: string) => `${userPrefix}${service}`;
  return {
    vhost,
    userOf,
    passwordOf,
    urlOf: (service) =>
      `amqp://${encodeURIComponent(userOf(service))}:${encodeURIComponent(passwordOf(service))}@127.0.0.1:5672/${encodeURIComponent(vhost.name)}`,
    async dispose() {
      await vhost.dispose();
      await removeUsers();
    },
  };
}
