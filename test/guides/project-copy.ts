/**
 * A throwaway copy of the project, as a reader's clone would be: the files git tracks or would
 * track (the working tree's, uncommitted edits included), committed once so that
 * `contract:check` compares with the contract as it was, and the real node_modules linked in.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';

const REPO = resolve(import.meta.dirname, '../..');
const execFileAsync = promisify(execFile);

async function git(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

export interface Run {
  code: number;
  /** stdout and stderr, interleaved as printed. */
  output: string;
}

/** The environment a reader's shell has: none of the variables the test runner sets for itself. */
function readerEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('VITEST') && name !== 'TEST' && name !== 'NODE_ENV',
    ),
  );
}

export class ProjectCopy {
  private constructor(readonly dir: string) {}

  static async make(): Promise<ProjectCopy> {
    const dir = await mkdtemp(join(tmpdir(), 'guide-'));
    const files = await git(['-C', REPO, 'ls-files', '--cached', '--others', '--exclude-standard', '-z']);
    for (const file of new Set(files.split('\0').filter((path) => path !== '' && existsSync(join(REPO, path))))) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await copyFile(join(REPO, file), join(dir, file));
    }
    await symlink(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const inCopy = (...args: string[]) =>
      git(['-C', dir, '-c', 'user.name=guide test', '-c', 'user.email=guide-test@example.com', ...args]);
    await inCopy('init', '-q', '-b', 'main');
    await appendFile(join(dir, '.git/info/exclude'), 'node_modules\n');
    await inCopy('add', '-A');
    await inCopy('commit', '-q', '-m', 'the project before the guides');
    return new ProjectCopy(dir);
  }

  /** Runs a command line in the copy, as a reader types it. */
  run(command: string): Promise<Run> {
    return new Promise((resolveRun, reject) => {
      const child = spawn('sh', ['-c', command], {
        cwd: this.dir,
        env: readerEnvironment(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolveRun({ code: code ?? 1, output }));
    });
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}
