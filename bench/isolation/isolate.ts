/**
 * Runs every variant of a scenario in a Node process of its own, started before its first round
 * and kept for the later ones, so that no variant pays for what another left in the process:
 * AsyncLocalStorage, which the facade's runtime uses to carry correlation ids, puts a hook on every
 * promise and I/O callback once enabled (on Node 20 it stays on), and that alone cost raw amqplib
 * 2-3% of its consume rate when it shared the facade's process. The bench process keeps the
 * untimed steps (set-up, preload, purge) and the interleaving; starting a process is not timed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { Mode } from '../scenarios/index.js';
import type { BenchBrokerAddress } from '../support/broker.js';
import type { Sample, Scenario, Variant } from '../scenario.js';
import { ASSIGNMENT_VARIABLE, type FromVariant, type ToVariant, type VariantAssignment } from './protocol.js';

const VARIANT_PROCESS = resolve(import.meta.dirname, 'variant-process.ts');
/** Loading takes about a second; a process not ready by then is stuck. */
const READY_WITHIN_MS = 60_000;
/** After the disconnect, how long a variant process may take to exit before it is killed. */
const EXIT_WITHIN_MS = 5_000;

export function isolated(
  scenario: Scenario,
  { url, vhost, rabbitmqVersion, managementApi }: BenchBrokerAddress,
  mode: Mode,
): Scenario {
  const broker: BenchBrokerAddress = { url, vhost, rabbitmqVersion, managementApi };
  const processes = new Map<Variant, VariantProcess>();
  const variants = scenario.variants.map((variant): Variant => ({
    id: variant.id,
    run: () => {
      const started = processes.get(variant);
      if (!started) throw new Error(`variant process ${scenario.id}/${variant.id} was not started by setUp`);
      return started.run();
    },
  }));
  return {
    ...scenario,
    variants,
    setUp: async () => {
      // All at once: each takes about a second to load, none is timed.
      for (const variant of scenario.variants)
        processes.set(variant, new VariantProcess({ broker, mode, scenario: scenario.id, variant: variant.id }));
      try {
        await Promise.all([...processes.values()].map((started) => started.whenReady()));
        await scenario.setUp?.();
      } catch (error) {
        await Promise.all([...processes.values()].map((started) => started.stop()));
        throw error;
      }
    },
    tearDown: async () => {
      await Promise.all([...processes.values()].map((started) => started.stop()));
      await scenario.tearDown?.();
    },
  };
}

/** One variant's process, answering one request at a time: `ready` once started, then a sample per run. */
class VariantProcess {
  private readonly child: ChildProcess;
  private readonly ready: Promise<FromVariant>;
  private waiting: { resolve(message: FromVariant): void; reject(error: Error): void } | undefined;
  private exited: Error | undefined;

  constructor(private readonly assignment: VariantAssignment) {
    // The same Node flags as this process: tsx's loader, and --cpu-prof when profiling.
    this.child = fork(VARIANT_PROCESS, [], {
      env: { ...process.env, [ASSIGNMENT_VARIABLE]: JSON.stringify(assignment) },
      stdio: 'inherit',
    });
    this.child.on('message', (message: FromVariant) => this.waiting?.resolve(message));
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(
        `variant process ${this.name} exited (${signal ?? `code ${code}`}; its error, if any, is on stderr above)`,
      );
      this.waiting?.reject(this.exited);
    });
    // A failed spawn, or a send on a channel that just closed: fail the pending request, not the bench process.
    this.child.on('error', (error) =>
      this.waiting?.reject(new Error(`variant process ${this.name}: ${error.message}`)),
    );
    this.ready = this.next();
  }

  private get name(): string {
    return `${this.assignment.scenario}/${this.assignment.variant}`;
  }

  private next(): Promise<FromVariant> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolveMessage, rejectMessage) => {
      this.waiting = { resolve: resolveMessage, reject: rejectMessage };
    });
  }

  async whenReady(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`variant process ${this.name} was not ready within ${READY_WITHIN_MS / 1000} s`)),
        READY_WITHIN_MS,
      );
    });
    const ready = await Promise.race([this.ready, stuck]).finally(() => clearTimeout(timer));
    if (ready.type !== 'ready') throw new Error(`variant process ${this.name}: expected ready, got ${ready.type}`);
  }

  async run(): Promise<Sample> {
    await this.whenReady();
    const answered = this.next();
    this.child.send({ type: 'run' } satisfies ToVariant);
    const message = await answered;
    if (message.type === 'sample') return message.sample;
    throw new Error(
      `variant process ${this.name}: ${message.type === 'failed' ? message.error : `unexpected ${message.type}`}`,
    );
  }

  /** Disconnects (the process exits on that), and kills it if it has not exited soon after. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => this.child.once('exit', () => resolveExit()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), EXIT_WITHIN_MS);
    await exited;
    clearTimeout(timer);
  }
}
