/**
 * One service as a child process (`node --import tsx services/<name>/main.ts`), the way
 * `npm run service -- <name>` runs it. Its stdout is pino JSON: each line is handed to `onLine`,
 * and the `listening` line tells which port it got (it is started with PORT=0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export type ServiceName = 'user-service' | 'question-service' | 'matching-service' | 'collaboration-service';

export interface LogLine {
  level: number;
  time: number;
  msg: string;
  service?: string;
  instanceId?: string;
  [field: string]: unknown;
}

export interface ServiceProcessOptions {
  name: ServiceName;
  /** Names the instance in logs and per-instance queue names, e.g. `collaboration-2`. */
  instanceId: string;
  rabbitmqUrl: string;
  dataDir: string;
  env?: Record<string, string>;
  onLine(line: LogLine): void;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Upper bound for a start or a graceful stop: a failing run, not a performance target. */
const PATIENCE_MS = 30_000;

export class ServiceProcess {
  private constructor(
    readonly name: ServiceName,
    readonly instanceId: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
  ) {}

  static start(options: ServiceProcessOptions): Promise<ServiceProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', `services/${options.name}/main.ts`], {
      cwd: ROOT,
      env: {
        ...process.env,
        RABBITMQ_URL: options.rabbitmqUrl,
        PORT: '0',
        DATA_DIR: options.dataDir,
        INSTANCE_ID: options.instanceId,
        LOG_LEVEL: 'info',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // 'close', not 'exit': it comes after the last line of stdout was read, so `onLine` has seen every line by then.
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    let lastError = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${options.instanceId} did not start listening within ${PATIENCE_MS} ms`)),
        PATIENCE_MS,
      );
      createInterface({ input: child.stdout }).on('line', (text) => {
        const line = parseLine(text);
        if (!line) return;
        if (line.level >= 50) lastError = `${line.msg}${line.err ? `: ${JSON.stringify(line.err)}` : ''}`;
        options.onLine(line);
        if (line.msg === 'listening' && typeof line.port === 'number') {
          clearTimeout(timer);
          resolve(new ServiceProcess(options.name, options.instanceId, line.port, child, exited));
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `${options.instanceId} exited with code ${code} before listening: ${lastError || stderr.join('').trim() || 'no output'}`,
          ),
        );
      });
    });
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  wsUrl(path: string): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** SIGTERM, then the exit code once it has shut down. */
  stop(): Promise<number | null> {
    return this.signal('SIGTERM');
  }

  /** SIGKILL: a crash, nothing closed, unacknowledged messages go back to their queues. */
  kill(): Promise<number | null> {
    return this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${this.instanceId} did not exit within ${PATIENCE_MS} ms of ${signal}`)),
        PATIENCE_MS,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseLine(text: string): LogLine | undefined {
  try {
    const line = JSON.parse(text) as LogLine;
    return typeof line.msg === 'string' ? line : undefined;
  } catch {
    return undefined;
  }
}
