/** Building blocks for the hand-built `ServiceDefinition`s of tests that need no generator. */
import { Writable } from 'node:stream';
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { pino, type Level, type Logger } from 'pino';
import type { QueueSpec, Validator } from '../../runtime/index.js';

const ajv = new Ajv({ allErrors: true });
addFormatsPlugin.default(ajv);

/** A validator compiled from a JSON schema (with ajv-formats' formats), as generated code would carry it. */
export function validator(schema: object): Validator {
  return ajv.compile(schema);
}

/** A durable, shared queue with no arguments: how the Python services declare theirs. */
export function plainDurableQueue(name: string, role: QueueSpec['role']): QueueSpec {
  return { name, role, durable: true, exclusive: false, autoDelete: false, perInstance: false, arguments: {} };
}

/** Silent unless `LOG_LEVEL` is set (`LOG_LEVEL=debug npx vitest run ...` shows the runtime at work). */
export function testLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'silent' });
}

/** A logger at `level` that keeps every line it writes, for tests that wait for what the runtime reports. */
export function capturingLogger(level: Level): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level }, sink), lines };
}
