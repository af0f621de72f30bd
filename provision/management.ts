/**
 * A minimal client of RabbitMQ's management HTTP API for provisioning. The admin credentials come
 * from the environment; errors name the call and the broker's answer, never a credential.
 */
import { managementRefusal } from '../runtime/cli/management-refusal.js';
import { CliError, ExitCode } from '../runtime/cli/run-cli.js';
import { describeError } from '../runtime/index.js';

export interface ManagementConfig {
  /** e.g. `http://rabbitmq.peerprep.internal:15672` (no credentials in it). */
  baseUrl: string;
  user: string;
  password: string;
}

const MANAGEMENT_ENV = {
  url: 'RABBITMQ_MANAGEMENT_URL',
  user: 'RABBITMQ_ADMIN_USER',
  password: 'RABBITMQ_ADMIN_PASSWORD',
} as const;
const DEFAULT_MANAGEMENT_URL = 'http://localhost:15672';

export function managementConfigFromEnv(env: Record<string, string | undefined>): ManagementConfig {
  const user = env[MANAGEMENT_ENV.user];
  const password = env[MANAGEMENT_ENV.password];
  if (!user || !password) {
    throw new CliError(
      `${MANAGEMENT_ENV.user} and ${MANAGEMENT_ENV.password} are not set`,
      `set them to an administrator of the broker (guest/guest on a local one); see npm run broker:provision -- --help`,
      ExitCode.unavailable,
    );
  }
  const baseUrl = new URL(env[MANAGEMENT_ENV.url] ?? DEFAULT_MANAGEMENT_URL);
  if (baseUrl.username || baseUrl.password) {
    throw new CliError(
      `${MANAGEMENT_ENV.url} must not hold credentials`,
      `remove them from the URL and set ${MANAGEMENT_ENV.user} and ${MANAGEMENT_ENV.password}`,
      ExitCode.unavailable,
    );
  }
  return { baseUrl: baseUrl.toString().replace(/\/$/, ''), user, password };
}

export class ManagementClient {
  constructor(private readonly config: ManagementConfig) {}

  async call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.config.baseUrl}/api${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${this.config.user}:${this.config.password}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error: unknown) => {
      throw new CliError(
        `management API at ${this.config.baseUrl} not reachable: ${describeError((error as Error).cause ?? error)}`,
        `start RabbitMQ with its management plugin (bash scripts/ensure-broker.sh), or point ${MANAGEMENT_ENV.url} at it`,
        ExitCode.unavailable,
      );
    });
    const text = await response.text();
    if (!response.ok) {
      throw (
        managementRefusal(
          response.status,
          this.config.baseUrl,
          this.config.user,
          `${MANAGEMENT_ENV.user} and ${MANAGEMENT_ENV.password} (an administrator of the broker)`,
        ) ??
        new CliError(
          `management API: ${method} ${path} answered ${response.status} ${text}`,
          'the broker refused this step; its answer says why',
          ExitCode.unavailable,
        )
      );
    }
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}
