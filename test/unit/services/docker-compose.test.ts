/**
 * docker-compose.yml read the way Docker Compose reads it (there is no Docker engine here to run
 * it): with .env.example's values, every service gets a RABBITMQ_URL the runtime accepts, naming the
 * three nodes in the vhost the provisioning step creates, as the service's own broker user; the
 * `cluster` profile adds nodes 2 and 3, which join node 1, and the stack without the profile does
 * not need them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { resolveConfig } from '../../../runtime/config.js';

interface ComposeService {
  image?: string;
  hostname?: string;
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string; required?: boolean }>;
  configs?: { source: string; target: string }[];
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  configs: Record<string, { content: string }>;
}

const root = new URL('../../../', import.meta.url);
const composeText = readFileSync(new URL('docker-compose.yml', root), 'utf8');
const compose = parse(composeText, { merge: true }) as ComposeFile;
const envExample = Object.fromEntries(
  readFileSync(new URL('.env.example', root), 'utf8')
    .split('\n')
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

/** Compose's `${NAME}` / `${NAME:?message}` interpolation, with the values of .env.example. */
function interpolate(value: string): string {
  return value.replace(/\$\{(\w+)(?::?[?-][^}]*)?\}/g, (_whole, name: string) => {
    const found = envExample[name];
    if (found === undefined) throw new Error(`docker-compose.yml uses \${${name}}, which .env.example does not set`);
    return found;
  });
}

const services = Object.entries(compose.services);
const inProfile = (service: ComposeService) => (service.profiles ?? []).length > 0;
const provisionVhost = compose.services['provision']?.environment?.['RABBITMQ_VHOST'];

describe('docker-compose.yml', () => {
  it('uses only variables that .env.example sets', () => {
    const used = [...new Set([...composeText.matchAll(/\$\{(\w+)/g)].map(([, name]) => name as string))];
    expect(used.filter((name) => !(name in envExample))).toEqual([]);
  });

  it('gives every service all three nodes, in the vhost the provisioning step creates, as its own broker user', () => {
    const withUrl = services.filter(([, service]) => service.environment?.['RABBITMQ_URL'] !== undefined);
    expect(withUrl.map(([name]) => name)).toEqual([
      'user-service',
      'question-service',
      'matching-service',
      'collaboration-service-1',
      'collaboration-service-2',
    ]);
    expect(provisionVhost).toBeDefined();
    for (const [name, service] of withUrl) {
      const serviceName = service.command?.[0] ?? '?';
      const config = resolveConfig(serviceName, { url: interpolate(service.environment!['RABBITMQ_URL']!) });
      expect(
        config.endpoints.map((endpoint) => endpoint.node),
        name,
      ).toEqual(['rabbitmq:5672', 'rabbitmq-2:5672', 'rabbitmq-3:5672']);
      expect(
        config.endpoints.map((endpoint) => decodeURIComponent(new URL(endpoint.url).pathname.slice(1))),
        name,
      ).toEqual([provisionVhost, provisionVhost, provisionVhost]);
      expect(config.user, name).toBe(serviceName);
    }
  });

  it('runs nodes 2 and 3 in the cluster profile only, joining node 1 with its Erlang cookie', () => {
    const profiled = services.filter(([, service]) => inProfile(service));
    expect(profiled.map(([name, service]) => [name, service.profiles])).toEqual([
      ['rabbitmq-2', ['cluster']],
      ['rabbitmq-3', ['cluster']],
    ]);
    const node1 = compose.services['rabbitmq']!;
    for (const [name, node] of profiled) {
      expect(node.image, name).toBe(node1.image);
      expect(node.environment?.['RABBITMQ_ERLANG_COOKIE'], name).toBe(node1.environment?.['RABBITMQ_ERLANG_COOKIE']);
      const [config] = node.configs ?? [];
      expect(config?.target, name).toMatch(/^\/etc\/rabbitmq\/conf\.d\/.+\.conf$/);
      expect(compose.configs[config?.source ?? '']?.content, name).toContain(
        `cluster_formation.classic_config.nodes.1 = rabbit@${node1.hostname}`,
      );
    }
  });

  it('starts without the profile (nothing else requires nodes 2 and 3) and provisions after they joined with it', () => {
    const profiledNames = new Set(services.filter(([, service]) => inProfile(service)).map(([name]) => name));
    const requiredProfiled = services
      .filter(([, service]) => !inProfile(service))
      .flatMap(([name, service]) =>
        Object.entries(service.depends_on ?? {})
          .filter(([dependency, how]) => profiledNames.has(dependency) && how.required !== false)
          .map(([dependency]) => `${name} -> ${dependency}`),
      );
    expect(requiredProfiled).toEqual([]);
    const provisionWaitsFor = Object.entries(compose.services['provision']?.depends_on ?? {})
      .filter(([, how]) => how.condition === 'service_healthy')
      .map(([dependency]) => dependency);
    expect(provisionWaitsFor).toEqual(['rabbitmq', 'rabbitmq-2', 'rabbitmq-3']);
  });
});
