/**
 * `npm run service -- <name>`: starts one service in this process, after checking the broker answers
 * (a service alone would otherwise retry for its whole connect timeout, then stop with a stack).
 */
import { connectToBroker, explainBrokerError } from '../runtime/cli/broker-connection.js';
import { resolveConfig } from '../runtime/index.js';
import { ExitCode, runCli, UsageError } from '../runtime/cli/run-cli.js';

const SERVICE_NAMES = ['user-service', 'question-service', 'matching-service', 'collaboration-service'] as const;
const BROKER_CHECK_TIMEOUT_MS = 5_000;

const HELP = `usage: npm run service -- <${SERVICE_NAMES.join(' | ')}>
Starts one service: its HTTP API and its messaging; SIGTERM or Ctrl-C stops it gracefully.
environment:
  RABBITMQ_URL    the broker (default amqp://localhost:5672, as the local guest user)
  RABBITMQ_CA_FILE, RABBITMQ_CERT_FILE, RABBITMQ_KEY_FILE  TLS
  HOST, PORT      where the HTTP API listens (default 127.0.0.1 and the service's port)
  DATA_DIR        the service's SQLite files (default data/<service>)
  LOG_LEVEL       default info; logs are JSON lines on stdout
  INSTANCE_ID     this instance's name in logs and connection names
exit codes: 0 stopped on a signal, 1 the service failed to start or stopped on an error,
  2 bad usage, 3 the broker is unreachable or refused`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!SERVICE_NAMES.includes(name as (typeof SERVICE_NAMES)[number]) || rest.length > 0) {
    throw new UsageError(
      name === undefined ? 'name the service to start' : `unknown service "${name}"`,
      `one of ${SERVICE_NAMES.join(', ')}`,
    );
  }
  const probe = await connectToBroker(
    resolveConfig(`${name}-start-check`, { connectTimeoutMs: BROKER_CHECK_TIMEOUT_MS }),
  );
  await probe.close();
  await import(`./${name}/main.js`);
  return ExitCode.ok;
}

runCli({ name: 'service', help: HELP, main, explain: explainBrokerError });
