import type { SchemaChangeKind } from './schema-diff.js';

export type TopologyChangeKind =
  | 'exchange-removed'
  | 'exchange-renamed'
  | 'exchange-added'
  | 'exchange-settings-changed'
  | 'routing-key-removed'
  | 'routing-key-changed'
  | 'routing-key-parameter-renamed'
  | 'routing-key-added'
  | 'rpc-removed'
  | 'rpc-renamed'
  | 'rpc-added'
  | 'queue-removed'
  | 'queue-settings-changed'
  | 'default-queue-type-changed'
  | 'queue-sharing-changed'
  | 'queue-bindings-changed'
  | 'consumer-moved'
  | 'operation-removed'
  | 'operation-added'
  | 'origin-policy-changed'
  | 'description-changed';

/** One difference between the base contract and the current one, with its verdict. */
export interface ContractChange {
  kind: TopologyChangeKind | SchemaChangeKind;
  /** Where, in the current document (or in the base one, for something removed). */
  pointer: string;
  breaking: boolean;
  /** What changed, one line. */
  what: string;
  /** Why it breaks which producer, consumer, caller or server; or why it is safe. */
  why: string;
  /** What follows from it: channels that move with a renamed exchange, bindings the broker keeps until migrated. */
  consequences?: string[];
}

/** RFC 6901 pointer from unescaped segments. */
export function jsonPointer(...segments: string[]): string {
  return segments.map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
