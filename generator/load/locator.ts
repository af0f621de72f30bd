import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { JsonPath } from '../model/problem.js';

export interface Position {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type Locator = (path: JsonPath) => Position;

/**
 * Maps a path in the resolved document to a position in the YAML file. The resolved document has
 * every local `$ref` replaced by its target, so the walk follows `$ref: '#/...'` in the source the
 * same way: a problem inside a shared definition points into that definition. A path that leaves
 * the source (an external `$ref`, a default) stops at the deepest node found. A path ending at a
 * map key points at the key, where a reader looks for it.
 */
export function createLocator(document: Document, lineCounter: LineCounter): Locator {
  const positionOf = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return (path) => {
    let node = resolveNode(document, document.contents);
    let offset = node?.range?.[0] ?? 0;
    for (const segment of path) {
      node = followLocalRefs(document, node);
      const step = childOf(document, node, segment);
      if (step === undefined) break;
      node = step.node;
      offset = step.offset;
    }
    return positionOf(offset);
  };
}

function childOf(
  document: Document,
  node: Node | undefined,
  segment: string | number,
): { node: Node | undefined; offset: number } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
    if (pair === undefined || !isScalar(pair.key)) return undefined;
    return { node: resolveNode(document, pair.value as Node | null), offset: pair.key.range?.[0] ?? 0 };
  }
  if (isSeq(node)) {
    const item = resolveNode(document, node.items[Number(segment)] as Node | undefined);
    if (item?.range === undefined || item.range === null) return undefined;
    return { node: item, offset: item.range[0] };
  }
  return undefined;
}

function followLocalRefs(document: Document, start: Node | undefined): Node | undefined {
  let node = start;
  const visited = new Set<Node>();
  while (isMap(node) && !visited.has(node)) {
    visited.add(node);
    const ref = node.get('$ref');
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return node;
    const target = nodeAtPointer(document, ref.slice(2));
    if (target === undefined) return node;
    node = target;
  }
  return node;
}

function nodeAtPointer(document: Document, pointer: string): Node | undefined {
  let node = resolveNode(document, document.contents);
  for (const segment of pointer.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))) {
    const step = childOf(document, followLocalRefs(document, node), segment);
    if (step === undefined) return undefined;
    node = step.node;
  }
  return node;
}

function resolveNode(document: Document, node: Node | null | undefined): Node | undefined {
  if (isAlias(node)) return node.resolve(document);
  return node ?? undefined;
}
