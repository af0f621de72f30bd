/** A refusal of RabbitMQ's management HTTP API, said as what it means, shared by the CLIs that call the API. */
import { CliError, ExitCode } from './run-cli.js';

/** One line with a hint for a 401 (wrong credentials, or a user without management rights); undefined for any other status. */
export function managementRefusal(
  status: number,
  baseUrl: string,
  user: string,
  credentialVariables: string,
): CliError | undefined {
  if (status !== 401) return undefined;
  return new CliError(
    `the management API at ${baseUrl} refused user "${user}": wrong user name or password, or the user may not use the management API`,
    `set ${credentialVariables}`,
    ExitCode.unavailable,
  );
}
