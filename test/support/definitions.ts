/** Building blocks for the hand-built `ServiceDefinition`s of tests that need no generator. */
import { Ajv } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { pino, type Logger } from 'pino';
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
