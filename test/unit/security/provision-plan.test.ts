import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { servicePermissions } from '../../../generator/model/permissions.js';
import { provisionPlan, type ProvisionInput } from '../../../provision/plan.js';
import { parseSecrets, passwordVariable } from '../../../provision/secrets.js';
import { peerPrepModel } from '../../fixtures/model.js';

const permissions = servicePermissions(peerPrepModel);
const services = permissions.map((each) => each.service);
const topology = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../generated/definitions.json'), 'utf8'),
) as ProvisionInput['topology'];
const SECRET = 'S3cret-not-to-print';

function input(overrides: Partial<ProvisionInput> = {}): ProvisionInput {
  const passwords = Object.fromEntries(services.map((service) => [passwordVariable(service), `${SECRET}-${service}`]));
  return { vhost: 'peer/prep', permissions, topology, userPrefix: '', passwords, ...overrides };
}

describe('provisionPlan', () => {
  it('creates the vhost, imports the topology, then sets up one user per service', () => {
    const { steps, missingPasswords } = provisionPlan(input());
    expect(missingPasswords).toEqual([]);
    const calls = steps.map((step) =>
      step.kind === 'call' ? `${step.method} ${step.path}` : `${step.kind} ${step.user}`,
    );
    expect(calls.slice(0, 6)).toEqual([
      'PUT /vhosts/peer%2Fprep',
      'POST /definitions/peer%2Fprep',
      'PUT /users/collaboration-service',
      'PUT /permissions/peer%2Fprep/collaboration-service',
      'remove-stale-topic-permissions collaboration-service',
      'PUT /topic-permissions/peer%2Fprep/collaboration-service',
    ]);
    expect(calls.filter((call) => call.startsWith('PUT /users/'))).toHaveLength(services.length);
  });

  it("creates the vhost with the contract's default queue type, so plain (Python) declarations share the quorum queues", () => {
    const vhostStep = provisionPlan(input()).steps[0];
    expect(vhostStep?.kind === 'call' && vhostStep.body).toEqual({ defaultqueuetype: 'quorum' });
    expect(vhostStep?.summary).toBe('vhost "peer/prep": create if missing, default queue type quorum');
  });

  it('imports only the topology (a vhost-scoped import), not the passwordless users', () => {
    const importStep = provisionPlan(input()).steps[1];
    expect(importStep?.kind === 'call' && Object.keys(importStep.body as object)).toEqual([
      'exchanges',
      'queues',
      'bindings',
    ]);
  });

  it('names users with the prefix and gives each its password, which no summary shows', () => {
    const { steps } = provisionPlan(input({ userPrefix: 'staging-' }));
    const userStep = steps.find((step) => step.kind === 'call' && step.path === '/users/staging-matching-service');
    expect(userStep?.kind === 'call' && userStep.body).toEqual({ password: `${SECRET}-matching-service`, tags: '' });
    expect(steps.map((step) => step.summary).join('\n')).not.toContain(SECRET);
    expect(userStep?.summary).toBe(
      'user "staging-matching-service": create or update, no tags, password from PEERPREP_MATCHING_SERVICE_PASSWORD',
    );
  });

  it('lists missing passwords by variable name', () => {
    const { missingPasswords } = provisionPlan(
      input({ passwords: { PEERPREP_USER_SERVICE_PASSWORD: 'x', PEERPREP_QUESTION_SERVICE_PASSWORD: '' } }),
    );
    expect(missingPasswords).toEqual([
      'PEERPREP_COLLABORATION_SERVICE_PASSWORD',
      'PEERPREP_MATCHING_SERVICE_PASSWORD',
      'PEERPREP_QUESTION_SERVICE_PASSWORD',
    ]);
  });

  it('needs no passwords for a dry run', () => {
    expect(provisionPlan(input({ passwords: undefined })).missingPasswords).toEqual([]);
  });
});

describe('secrets', () => {
  it.each([
    ['matching-service', 'PEERPREP_MATCHING_SERVICE_PASSWORD'],
    ['user-service', 'PEERPREP_USER_SERVICE_PASSWORD'],
  ])('passwordVariable(%s) = %s', (service, variable) => {
    expect(passwordVariable(service)).toBe(variable);
  });

  it.each([
    [
      'JSON by service',
      '{"user-service": "a b", "matching-service": "c"}',
      { PEERPREP_USER_SERVICE_PASSWORD: 'a b', PEERPREP_MATCHING_SERVICE_PASSWORD: 'c' },
    ],
    [
      'env lines',
      '# comment\nPEERPREP_USER_SERVICE_PASSWORD=p=q\nexport PEERPREP_MATCHING_SERVICE_PASSWORD="quoted"\n\n',
      { PEERPREP_USER_SERVICE_PASSWORD: 'p=q', PEERPREP_MATCHING_SERVICE_PASSWORD: 'quoted' },
    ],
  ])('reads %s', (_name, text, want) => {
    expect(parseSecrets(text, 'secrets', services)).toEqual(want);
  });

  it.each([
    ['an unknown service', '{"billing-service": "x"}', /"billing-service" is not a service of the contract/],
    ['a non-string password', '{"user-service": 1}', /must be a string/],
    ['a line that is not NAME=value', 'PEERPREP_USER_SERVICE_PASSWORD', /secrets:1: expected NAME=value/],
  ])('refuses %s, without echoing values', (_name, text, message) => {
    expect(() => parseSecrets(text, 'secrets', services)).toThrow(message);
  });
});
