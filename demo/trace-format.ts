/** One readable line per trace event: who, what, where, and the message id that links a publish to its deliveries. */
import type { TraceEvent } from './cluster.js';

const ARROWS = { publish: '->', consume: '<-', call: '=>', serve: '<=', reply: '<=' } as const;

export function formatTrace(event: TraceEvent, startedAt: number): string {
  const elapsed = `+${String(event.time - startedAt).padStart(4)} ms`;
  const exchange = event.exchange === '' ? '(default)' : event.exchange;
  const where = `${exchange} ${shortenIds(event.routingKey)}`;
  const detail = [
    event.kind === 'consume' || event.kind === 'serve' ? `queue ${event.queue}` : '',
    event.kind === 'reply' ? `reply ${event.outcome}` : '',
    event.messageId ? `msg ${event.messageId.slice(0, 8)}` : '',
  ].filter(Boolean);
  return `  ${elapsed}  ${event.instance.padEnd(16)} ${ARROWS[event.kind]} ${event.kind.padEnd(7)} ${where.padEnd(56)} ${detail.join('  ')}`.trimEnd();
}

/** Uuids in routing keys cut to their first 8 characters, so that the lines stay readable. */
export function shortenIds(text: string): string {
  return text.replace(/\b([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '$1');
}
