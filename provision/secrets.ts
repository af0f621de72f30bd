/**
 * Where the services' broker passwords come from: a secrets file (`--secrets`, kept outside the
 * repository) or the environment. Never from the repository, never printed.
 */
import { readFileSync } from 'node:fs';
import { CliError, ExitCode } from '../runtime/cli/run-cli.js';

const SECRETS_HINT = 'a secrets file holds JSON ({"matching-service": "..."}) or PEERPREP_<SERVICE>_PASSWORD=... lines';

/** `matching-service` -> `PEERPREP_MATCHING_SERVICE_PASSWORD`. */
export function passwordVariable(service: string): string {
  return `PEERPREP_${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_PASSWORD`;
}

/** Secrets by variable name, from a file in JSON (`{"matching-service": "..."}`) or env format (`PEERPREP_MATCHING_SERVICE_PASSWORD=...`). */
export function readSecretsFile(path: string, services: string[]): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw secretsError(
      `secrets file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseSecrets(text, path, services);
}

export function parseSecrets(text: string, source: string, services: string[]): Record<string, string> {
  if (text.trimStart().startsWith('{')) return fromJson(text, source, services);
  const secrets: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(trimmed);
    if (!match) throw secretsError(`${source}:${index + 1}: expected NAME=value`);
    secrets[match[1] as string] = unquote(match[2] as string);
  });
  return secrets;
}

function fromJson(text: string, source: string, services: string[]): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw secretsError(`${source} is neither JSON nor NAME=value lines`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw secretsError(`${source}: expected an object of service name -> password`);
  const secrets: Record<string, string> = {};
  for (const [service, password] of Object.entries(parsed)) {
    if (!services.includes(service))
      throw secretsError(`${source}: "${service}" is not a service of the contract (${services.join(', ')})`);
    if (typeof password !== 'string') throw secretsError(`${source}: the password of "${service}" must be a string`);
    secrets[passwordVariable(service)] = password;
  }
  return secrets;
}

function unquote(value: string): string {
  const quoted = /^(['"])(.*)\1$/.exec(value);
  return quoted ? (quoted[2] as string) : value;
}

function secretsError(message: string): CliError {
  return new CliError(message, SECRETS_HINT, ExitCode.unavailable);
}
