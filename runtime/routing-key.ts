/** Routing-key templates such as `session.{session_id}.code_updated`: filling on publish, parsing on consume. */
import type { RoutingParams } from './api.js';
import { RoutingKeyError } from './errors.js';

export interface RoutingKeyTemplate {
  fill(params: RoutingParams): string;
  /** The parameters if `routingKey` fits the template, else undefined. */
  match(routingKey: string): RoutingParams | undefined;
}

/** A routing key is an AMQP short string: at most 255 bytes of UTF-8. */
export const MAX_ROUTING_KEY_BYTES = 255;
const PLACEHOLDER = /\{([^}]+)\}/g;

export function compileRoutingKey(template: string): RoutingKeyTemplate {
  const names = [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
  if (names.length === 0) {
    return { fill: () => template, match: (key) => (key === template ? {} : undefined) };
  }
  const literals = template.split(PLACEHOLDER).filter((_, i) => i % 2 === 0);
  const pattern = new RegExp(`^${literals.map(escapeRegExp).join('([^.]+)')}$`);
  return {
    fill(params) {
      let key = literals[0] as string;
      names.forEach((name, i) => {
        key += checkedParam(template, name, params[name]) + (literals[i + 1] as string);
      });
      // amqplib refuses a longer one only after taking the channel's reply slot, which wedges the channel for every later bind or publish.
      const bytes = Buffer.byteLength(key);
      if (bytes > MAX_ROUTING_KEY_BYTES) {
        const longest = names.reduce((a, b) =>
          Buffer.byteLength(params[b] as string) > Buffer.byteLength(params[a] as string) ? b : a,
        );
        throw new RoutingKeyError(
          template,
          longest,
          `makes the routing key ${bytes} bytes long, past AMQP's ${MAX_ROUTING_KEY_BYTES}`,
        );
      }
      return key;
    },
    match(key) {
      const found = pattern.exec(key);
      if (!found) return undefined;
      return Object.fromEntries(names.map((name, i) => [name, found[i + 1] as string]));
    },
  };
}

function checkedParam(template: string, name: string, value: unknown): string {
  if (typeof value !== 'string')
    throw new RoutingKeyError(
      template,
      name,
      `must be a string, got ${value === undefined ? 'nothing' : typeof value}`,
    );
  if (value === '') throw new RoutingKeyError(template, name, 'must not be empty');
  if (/[.*#]/.test(value))
    throw new RoutingKeyError(template, name, `must not contain '.', '*' or '#' (got "${value}")`);
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
