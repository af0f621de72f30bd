/** What the contract:check, contract:verify-broker and docs CLIs share: exit codes and usage errors. */

/** A mistake in the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** A problem the user can fix outside the command line (refused credentials, a missing vhost): its message alone, exit code 2. */
export class EnvironmentError extends Error {}

function isUsageError(error: unknown): error is Error {
  return error instanceof UsageError || (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS'));
}

/** Prints `usage` for `--help` / `-h`; otherwise runs `main` and sets the exit code it returns. A usage error or a crash exits 2. */
export function runMain(main: (argv: string[]) => Promise<number>, usage: string): void {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return;
  }
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(isUsageError(error) ? `${error.message}\n${usage}` : error instanceof EnvironmentError ? error.message : error);
      process.exitCode = 2;
    },
  );
}
