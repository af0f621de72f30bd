/** The shared CLI failure report: one line and a hint for every kind of failure, and its exit code. */
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliError, ExitCode, reportFailure, UsageError } from '../../runtime/cli/run-cli.js';

async function addressInUse(): Promise<unknown> {
  const taken = createServer();
  await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening));
  const { port } = taken.address() as { port: number };
  const second = createServer();
  const error = await new Promise((failed) => {
    second.once('error', failed);
    second.listen(port, '127.0.0.1');
  });
  taken.close();
  return error;
}

function parseArgsError(): unknown {
  try {
    parseArgs({ args: ['--nope'], options: {}, strict: true });
  } catch (error) {
    return error;
  }
  throw new Error('parseArgs accepted an unknown option');
}

afterEach(() => vi.restoreAllMocks());

describe('reportFailure', () => {
  it.each([
    [
      'a CliError',
      () => new CliError('vhost "x" does not exist', 'name another', ExitCode.unavailable),
      'demo: vhost "x" does not exist',
      '  hint: name another',
      ExitCode.unavailable,
    ],
    [
      'a UsageError',
      () => new UsageError('give a command'),
      'demo: give a command',
      '  hint: see --help for the options',
      ExitCode.usage,
    ],
    [
      'an unknown option',
      parseArgsError,
      "demo: Unknown option '--nope'",
      '  hint: see --help for the options',
      ExitCode.usage,
    ],
    [
      'a port in use',
      addressInUse,
      /^demo: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+$/,
      '  hint: the port is taken: choose another (--port 0 picks a free one)',
      ExitCode.unavailable,
    ],
    [
      'a bug',
      () => new TypeError("Cannot read properties of undefined (reading 'x')\n    at somewhere"),
      "demo: unexpected error: Cannot read properties of undefined (reading 'x')",
      '  hint: this is a bug; run again with DEBUG=1 for the stack trace and report it',
      ExitCode.unavailable,
    ],
  ] as const)('%s: one line, a hint, its exit code', async (_name, makeError, line, hint, exitCode) => {
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void printed.push(String(text)));
    expect(reportFailure({ name: 'demo' }, await makeError())).toBe(exitCode);
    const lines = printed.join('\n').split('\n');
    expect(lines).toHaveLength(2);
    if (typeof line === 'string') expect(lines[0]).toBe(line);
    else expect(lines[0]).toMatch(line);
    expect(lines[1]).toBe(hint);
  });
});
