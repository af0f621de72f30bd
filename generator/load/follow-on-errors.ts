/**
 * Keeps the errors that are root causes. One broken node makes the AsyncAPI schema fail at every
 * node above it and at every node that uses it through a `$ref` (`type: strin` in a shared schema:
 * "must match "else" schema" twice for each schema referring to it, a spurious "items" error at its
 * parent...). An error is a follow-on when the node it is reported at contains, itself or through
 * local `$ref`s, the node of another error that does not in turn contain it: that other error is
 * more precise, and fixing it fixes this one.
 */
import { isObject } from '../model/json.js';
import type { JsonPath } from '../model/problem.js';

export interface PathError {
  path: JsonPath;
}

export function withoutFollowOnErrors<T extends PathError>(errors: readonly T[], document: unknown): T[] {
  const scopes = new Map(errors.map((error) => [error, scopeOf(document, error.path)]));
  const reaches = (from: T, to: T) =>
    from !== to && !samePath(from.path, to.path) && contains(scopes.get(from) ?? [], from.path, to.path);
  return errors.filter((error) => !errors.some((other) => reaches(error, other) && !reaches(other, error)));
}

/** The node at `path` and every node its local `$ref`s lead to, transitively: where its subtree really is. */
function scopeOf(document: unknown, path: JsonPath): JsonPath[] {
  const seen = new Map<string, JsonPath>();
  const pending = [path];
  for (let at = pending.pop(); at !== undefined; at = pending.pop()) {
    const key = at.join('\u0000');
    if (seen.has(key)) continue;
    seen.set(key, at);
    pending.push(...refsUnder(valueAt(document, at)));
  }
  return [...seen.values()];
}

/** Whether `inner` lies in the scope of the node at `outer`: strictly below it, or at or below one of its `$ref` targets. */
function contains(scope: readonly JsonPath[], outer: JsonPath, inner: JsonPath): boolean {
  return scope.some((root) => isPrefix(root, inner) && (root !== outer || root.length < inner.length));
}

function samePath(a: JsonPath, b: JsonPath): boolean {
  return a.length === b.length && isPrefix(a, b);
}

function isPrefix(prefix: JsonPath, path: JsonPath): boolean {
  return prefix.length <= path.length && prefix.every((segment, i) => String(segment) === String(path[i]));
}

/** The targets of every local `$ref` in the subtree, as paths. */
function refsUnder(value: unknown): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap(refsUnder);
  if (!isObject(value)) return [];
  const ref = value.$ref;
  const own = typeof ref === 'string' && ref.startsWith('#/') ? [pointerToPath(ref.slice(2))] : [];
  return [...own, ...Object.values(value).flatMap(refsUnder)];
}

function pointerToPath(pointer: string): JsonPath {
  return pointer.split('/').map((segment) => safeDecode(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The node at `path`, following local `$ref`s on the way as the resolved document does. */
function valueAt(document: unknown, path: JsonPath): unknown {
  let node = document;
  for (const segment of path) {
    node = followRefs(document, node);
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isObject(node)) node = node[String(segment)];
    else return undefined;
  }
  return node;
}

function followRefs(document: unknown, start: unknown): unknown {
  let node = start;
  for (
    let hops = 0;
    isObject(node) && typeof node.$ref === 'string' && node.$ref.startsWith('#/') && hops < 32;
    hops++
  ) {
    const target = pointerToPath(node.$ref.slice(2)).reduce<unknown>(
      (at, segment) => (isObject(at) ? at[String(segment)] : Array.isArray(at) ? at[Number(segment)] : undefined),
      document,
    );
    if (target === undefined) return node;
    node = target;
  }
  return node;
}
