/** Times one run of a command to its exit, keeping its output for the report when it fails. */
import { spawn } from 'node:child_process';

export interface CommandTiming {
  ms: number;
  code: number | null;
  /** The last lines the command printed (stdout and stderr), for a failure's note. */
  tail: string;
}

export async function timeCommand(command: string, args: string[], cwd: string): Promise<CommandTiming> {
  const startedAt = performance.now();
  const { code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (exitCode) => done({ code: exitCode, output }));
  });
  return { ms: Math.round(performance.now() - startedAt), code, tail: output.trim().split('\n').slice(-3).join(' / ') };
}
