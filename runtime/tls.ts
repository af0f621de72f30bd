/**
 * TLS for `amqps://`: the socket options from `ConnectOptions.tls` and the `RABBITMQ_*_FILE`
 * environment variables, and recognising a failed certificate check among connection errors.
 */
import { readFileSync } from 'node:fs';
import type { SocketOptions } from 'amqplib';
import type { TlsOptions } from './api.js';
import { ConfigError } from './errors.js';

/** Environment variables naming PEM files, by the `TlsOptions` field they fill. */
const FILE_VARIABLES = { ca: 'RABBITMQ_CA_FILE', cert: 'RABBITMQ_CERT_FILE', key: 'RABBITMQ_KEY_FILE' } as const;
const PASSPHRASE_VARIABLE = 'RABBITMQ_KEY_PASSPHRASE';
const TLS_VARIABLES = [...Object.values(FILE_VARIABLES), PASSPHRASE_VARIABLE];

type Environment = Record<string, string | undefined>;

/**
 * Options win over the environment; anything TLS-related with an `amqp://` URL is a mistake worth
 * an error, and the one to report: the files are read only for `amqps://`.
 */
export function tlsSocketOptions(url: URL, options: TlsOptions | undefined, env: Environment): SocketOptions {
  if (url.protocol !== 'amqps:') {
    if (options) throw new ConfigError('TLS options were given but the URL does not use amqps://');
    const setVariables = TLS_VARIABLES.filter((variable) => env[variable]);
    if (setVariables.length > 0)
      throw new ConfigError(`${setVariables.join(', ')} set but the URL does not use amqps://`);
    return {};
  }
  const tls = { ...tlsFromEnvironment(env), ...options };
  return {
    servername: url.hostname,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert }),
    ...(tls.key !== undefined && { key: tls.key }),
    ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }),
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
  };
}

function tlsFromEnvironment(env: Environment): TlsOptions {
  const options: TlsOptions = {};
  for (const [field, variable] of Object.entries(FILE_VARIABLES) as [keyof typeof FILE_VARIABLES, string][]) {
    const path = env[variable];
    if (path) options[field] = readPem(variable, path);
  }
  const passphrase = env[PASSPHRASE_VARIABLE];
  if (passphrase) options.passphrase = passphrase;
  return options;
}

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new ConfigError(
      `${variable}=${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
}

/**
 * Node's reason when the broker's certificate failed verification or the TLS handshake was refused
 * (e.g. "self-signed certificate in certificate chain"), else undefined. Such a failure is a
 * configuration problem: retrying does not help.
 */
export function tlsFailureReason(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const isTls = /^ERR_(TLS|SSL)_/.test(code) || /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY|DECRYPT)/.test(code);
  return isTls ? `${error.message} (${code})` : undefined;
}
