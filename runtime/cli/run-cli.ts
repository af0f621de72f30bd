/**
 * What every command-line tool of the project shares (generate, contract:check,
 * contract:verify-broker, broker:provision, dlq, docs, service): `--help`, a failure told as one
 * readable line plus a hint (no stack trace), the exit codes, and a quiet exit when the reader of
 * stdout goes away (`npm run dlq -- list q | head`).
 */

/** The exit codes every CLI uses (docs/cli.md). */
export const ExitCode = {
  /** Done; the answer is yes. */
  ok: 0,
  /** The answer is no: an invalid spec, stale output, a failed check, a broker that differs, dead letters left. */
  failed: 1,
  /** The command line is wrong: an unknown option, a missing argument. */
  usage: 2,
  /** Could not run: the broker or its management API is unreachable or refused, configuration is missing, or an unexpected error. */
  unavailable: 3,
} as const;

/** A failure the user can act on: printed as `<cli>: <message>` and `  hint: <hint>`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint: string,
    readonly exitCode: number = ExitCode.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake in the command line. */
export class UsageError extends CliError {
  constructor(message: string, hint = 'see --help for the options') {
    super(message, hint, ExitCode.usage);
  }
}

export interface Cli {
  /** As the user types it after `npm run`: `contract:verify-broker`. */
  name: string;
  /** The `--help` text: usage, options, environment, exit codes. */
  help: string;
  main(argv: string[]): Promise<number>;
  /** Turns an error this CLI knows into one it can report; others are reported as unexpected. */
  explain?: (error: unknown) => CliError | undefined;
}

/** Runs `cli.main` with the process's arguments and sets the exit code; never lets a stack trace out (set DEBUG=1 to see one). */
export function runCli(cli: Cli): void {
  exitQuietlyOnClosedPipe();
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(cli.help);
    return;
  }
  cli.main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = reportFailure(cli, error);
    },
  );
}

/** Prints the failure (one line and a hint) and returns its exit code. */
export function reportFailure(cli: Pick<Cli, 'name' | 'explain'>, error: unknown): number {
  const known =
    error instanceof CliError ? error : (cli.explain?.(error) ?? fromParseArgs(error) ?? fromSystemError(error));
  if (process.env.DEBUG) console.error(error);
  if (known !== undefined) {
    console.error(`${cli.name}: ${oneLine(known.message)}\n  hint: ${known.hint}`);
    return known.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    `${cli.name}: unexpected error: ${oneLine(message)}\n  hint: this is a bug; run again with DEBUG=1 for the stack trace and report it`,
  );
  return ExitCode.unavailable;
}

function fromParseArgs(error: unknown): CliError | undefined {
  const isParseArgs = error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
  return isParseArgs ? new UsageError(error.message) : undefined;
}

const SYSTEM_HINTS: Record<string, string> = {
  EADDRINUSE: 'the port is taken: choose another (--port 0 picks a free one)',
  EACCES: 'check the permissions of the file, directory or port',
  ENOENT: 'check the path',
  ENOSPC: 'the disk is full',
};

/** A refusal of the operating system (port taken, file missing...) is the environment, not a bug. */
function fromSystemError(error: unknown): CliError | undefined {
  const code = error instanceof Error && 'syscall' in error && 'code' in error ? String(error.code) : undefined;
  const hint = code === undefined ? undefined : SYSTEM_HINTS[code];
  return hint === undefined ? undefined : new CliError((error as Error).message, hint, ExitCode.unavailable);
}

function oneLine(text: string): string {
  return text.split('\n')[0]?.trim() ?? '';
}

/** `| head` closes the pipe early: stop writing and exit with what was decided so far, not with an EPIPE stack. */
function exitQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok);
    });
  }
}
