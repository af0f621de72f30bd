/**
 * What `broker:provision` does, as data: the management API calls that create a vhost, import the
 * contract's topology into it, and give each service a user with its permissions. Pure; a step's
 * `summary` is what `--dry-run` prints and never holds a password.
 */
import type { ServicePermissions } from '../runtime/permissions.js';
import { passwordVariable } from './secrets.js';

/** One management API call. */
export interface ApiCall {
  kind: 'call';
  method: 'PUT' | 'POST';
  /** Path below `/api`, names URL-encoded. */
  path: string;
  body: unknown;
  summary: string;
}

/**
 * Removes the user's topic permissions in the vhost if any is for an exchange not in `keep` (the
 * API can only remove all of them; the following steps set the wanted ones again).
 */
export interface StaleTopicPermissionsRemoval {
  kind: 'remove-stale-topic-permissions';
  vhost: string;
  user: string;
  keep: string[];
  summary: string;
}

export type ProvisionStep = ApiCall | StaleTopicPermissionsRemoval;

export interface ProvisionInput {
  vhost: string;
  permissions: ServicePermissions[];
  /**
   * `definitions.json`: its exchanges, queues and bindings are imported (a vhost-scoped import);
   * its vhost's default queue type is given to the vhost.
   */
  topology: {
    vhosts?: { metadata?: { default_queue_type?: string } }[];
    exchanges: unknown[];
    queues: unknown[];
    bindings: unknown[];
  };
  /** Prepended to each service name to name its user (e.g. per environment); default none. */
  userPrefix: string;
  /** Passwords by variable name (`PEERPREP_<SERVICE>_PASSWORD`); undefined in a dry run. */
  passwords: Record<string, string | undefined> | undefined;
}

export interface ProvisionPlan {
  steps: ProvisionStep[];
  /** Password variables the plan needs but does not have. */
  missingPasswords: string[];
}

export function provisionPlan(input: ProvisionInput): ProvisionPlan {
  const vhost = encodeURIComponent(input.vhost);
  const { exchanges, queues, bindings } = input.topology;
  const defaultQueueType = input.topology.vhosts?.[0]?.metadata?.default_queue_type;
  const steps: ProvisionStep[] = [
    {
      kind: 'call',
      method: 'PUT',
      path: `/vhosts/${vhost}`,
      // The management API's name for the vhost's default queue type (definitions files say default_queue_type).
      body: defaultQueueType === undefined ? {} : { defaultqueuetype: defaultQueueType },
      summary: `vhost "${input.vhost}": create if missing${defaultQueueType === undefined ? '' : `, default queue type ${defaultQueueType}`}`,
    },
    {
      kind: 'call',
      method: 'POST',
      path: `/definitions/${vhost}`,
      body: { exchanges, queues, bindings },
      summary: `topology: import ${exchanges.length} exchanges, ${queues.length} queues, ${bindings.length} bindings into "${input.vhost}"`,
    },
  ];
  const missingPasswords: string[] = [];
  for (const service of input.permissions) {
    const user = `${input.userPrefix}${service.service}`;
    const variable = passwordVariable(service.service);
    const password = input.passwords?.[variable];
    if (input.passwords && !password) missingPasswords.push(variable);
    steps.push(...userSteps(input.vhost, user, service, variable, password ?? ''));
  }
  return { steps, missingPasswords };
}

function userSteps(
  vhostName: string,
  user: string,
  service: ServicePermissions,
  variable: string,
  password: string,
): ProvisionStep[] {
  const vhost = encodeURIComponent(vhostName);
  const userPath = encodeURIComponent(user);
  const { configure, write, read } = service;
  const keep = service.topic.map((topic) => topic.exchange);
  return [
    {
      kind: 'call',
      method: 'PUT',
      path: `/users/${userPath}`,
      body: { password, tags: '' },
      summary: `user "${user}": create or update, no tags, password from ${variable}`,
    },
    {
      kind: 'call',
      method: 'PUT',
      path: `/permissions/${vhost}/${userPath}`,
      body: { configure, write, read },
      summary: `permissions of "${user}" in "${vhostName}": configure ${show(configure)}, write ${show(write)}, read ${show(read)}`,
    },
    {
      kind: 'remove-stale-topic-permissions',
      vhost: vhostName,
      user,
      keep,
      summary: `topic permissions of "${user}" in "${vhostName}": remove any for exchanges other than ${keep.length > 0 ? keep.map((name) => `"${name}"`).join(', ') : '(none)'}`,
    },
    ...service.topic.map((topic): ApiCall => ({
      kind: 'call',
      method: 'PUT',
      path: `/topic-permissions/${vhost}/${userPath}`,
      body: topic,
      summary: `topic permissions of "${user}" on "${topic.exchange}": write ${show(topic.write)}, read ${show(topic.read)}`,
    })),
  ];
}

function show(regex: string): string {
  return regex === '' ? '(nothing)' : regex;
}
