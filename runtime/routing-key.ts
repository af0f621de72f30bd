/** Routing-key templates such as `session.{session_id}.code_updated`: filling on publish, parsing on consume. */
import type { RoutingParams } from './api.js';
import { RoutingKeyError } from './errors.js';

export interface RoutingKeyTemplate {
  fill(params: RoutingParams): string;
  /** The parameters if `routingKey` fits the template, else undefined. */
  match(routingKey: string): RoutingParams | undefined;
}

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
  if (typeof value !== 'string') throw new RoutingKeyError(template, name, `must be a string, got ${value === undefined ? 'nothing' : typeof value}`);
  if (value === '') throw new RoutingKeyError(template, name, 'must not be empty');
  if (/[.*#]/.test(value)) throw new RoutingKeyError(template, name, `must not contain '.', '*' or '#' (got "${value}")`);
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
