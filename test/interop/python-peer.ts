/**
 * Runs the Python peer's scripts (`python/*.py`, aio-pika as the PeerPrep Python services use it)
 * as child processes. Scripts print one JSON line per result on stdout and `ready` on stderr once
 * they consume or serve; anything else on stderr (a traceback) ends up in the error message.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's python3, where apt installed python3-aio-pika; the python3 first on PATH lacks it. */
const PYTHON = '/usr/bin/python3';
const SCRIPTS_DIR = fileURLToPath(new URL('./python/', import.meta.url));

export type PythonScript = 'publish' | 'publish_headers' | 'consume' | 'rpc_call' | 'rpc_server';

export interface PythonPeer {
  /** Resolves when the script writes `ready` on stderr; rejects if it exits before. */
  readonly ready: Promise<void>;
  /** Its stdout lines so far, parsed as JSON. */
  readonly output: unknown[];
  /** Resolves with all of `output` when the script exits with 0; rejects with its stderr otherwise. */
  readonly finished: Promise<unknown[]>;
  /** Terminates it (a server) and waits until it has exited. */
  stop(): Promise<void>;
}

export function startPython(script: PythonScript, args: string[]): PythonPeer {
  const child = spawn(PYTHON, [`${SCRIPTS_DIR}${script}.py`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: unknown[] = [];
  const diagnostics: string[] = [];
  let signalReady!: () => void;
  const ready = new Promise<void>((resolve) => (signalReady = resolve));

  createInterface({ input: child.stdout }).on('line', (line) => output.push(JSON.parse(line)));
  createInterface({ input: child.stderr }).on('line', (line) =>
    line === 'ready' ? signalReady() : diagnostics.push(line),
  );

  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const failure = (what: string): Error => new Error(`python ${script}.py ${what}:\n${diagnostics.join('\n')}`);
  const finished = exited.then((code) => {
    if (code !== 0) throw failure(`exited with ${code}`);
    return output;
  });
  const peer: PythonPeer = {
    ready: Promise.race([ready, exited.then(() => Promise.reject(failure('exited before it was ready')))]),
    output,
    finished,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
  // Callers await what they need; the other promise must not turn into an unhandled rejection.
  peer.ready.catch(() => undefined);
  finished.catch(() => undefined);
  return peer;
}

/** Runs a script to its end and returns its parsed stdout lines. */
export function runPython(script: PythonScript, args: string[]): Promise<unknown[]> {
  return startPython(script, args).finished;
}
