import type { RetryPolicy } from './types.js';
import type { RetryOptions } from './extensions.js';

/** Delay before attempt i+2, for i in 0..attempts-2: initial * multiplier^i, capped, whole ms (a TTL). */
export function retryPolicy(options: RetryOptions): RetryPolicy {
  const delaysMs = Array.from({ length: options.attempts - 1 }, (_, i) =>
    Math.round(Math.min(options.initialDelayMs * options.multiplier ** i, options.maxDelayMs)),
  );
  return {
    maxAttempts: options.attempts,
    initialDelayMs: options.initialDelayMs,
    multiplier: options.multiplier,
    maxDelayMs: options.maxDelayMs,
    delaysMs,
  };
}

export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}ms`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}
