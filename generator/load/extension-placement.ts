/**
 * Every `x-` key in the document must be one of the contract's extensions at its allowed place
 * (docs/contract-extensions.md). The AsyncAPI parser accepts any `x-` key almost anywhere, so a
 * misspelled `x-servce` would otherwise be ignored in silence. Runs on the source as written.
 */
import { closestMatch } from '../did-you-mean.js';
import { entriesOf, isObject } from '../model/json.js';
import { Problems, type JsonPath, type SpecProblem } from '../model/problem.js';

/** Where each extension may appear, in words for hints. */
const EXTENSION_PLACES: Record<string, string> = {
  'x-services': 'the document root',
  'x-service': 'an operation',
  'x-queue': 'a receive operation',
  'x-unverified-origin': 'a receive operation',
  'x-exchanges': 'components',
  'x-queues': 'components',
};

/** Values that are data or JSON Schema rather than AsyncAPI objects: not walked. */
const OPAQUE_KEYS = new Set(['payload', 'headers', 'schemas', 'schema', 'examples', 'enum', 'default', 'const']);

/** Maps whose keys are names chosen by the author (a channel called `x-ray` is not an extension). */
function keysAreNames(path: JsonPath): boolean {
  const last = path[path.length - 1];
  if (path.length === 1) return ['channels', 'operations', 'servers'].includes(String(last));
  if (path.length === 2 && path[0] === 'components') return true;
  return last === 'messages' || last === 'parameters' || last === 'variables';
}

export function checkExtensionPlacement(data: unknown): SpecProblem[] {
  const problems = new Problems();
  walk(data, [], problems);
  return problems.list;
}

function walk(node: unknown, path: JsonPath, problems: Problems): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => walk(item, [...path, i], problems));
    return;
  }
  if (!isObject(node)) return;
  const names = keysAreNames(path);
  const allowedHere = allowedExtensions(path);
  for (const [key, value] of entriesOf(node)) {
    if (!names && key.startsWith('x-')) {
      if (!allowedHere.includes(key)) reportExtension(key, [...path, key], allowedHere, problems);
      continue; // The content of our own extensions is checked by their readers.
    }
    if (!OPAQUE_KEYS.has(key)) walk(value, [...path, key], problems);
  }
}

function allowedExtensions(path: JsonPath): string[] {
  if (path.length === 0) return ['x-services'];
  if (path.length === 1 && path[0] === 'components') return ['x-exchanges', 'x-queues'];
  if (path.length === 2 && path[0] === 'operations') return ['x-service', 'x-queue', 'x-unverified-origin'];
  return [];
}

function reportExtension(key: string, path: JsonPath, allowedHere: string[], problems: Problems): void {
  const where = describePlace(path.slice(0, -1));
  const place = EXTENSION_PLACES[key];
  if (place !== undefined) {
    problems.add(
      path,
      'misplaced-extension',
      `"${key}" is not allowed on ${where}`,
      `${key} belongs on ${place}; see docs/contract-extensions.md`,
    );
    return;
  }
  const suggestion = closestMatch(key, allowedHere) ?? closestMatch(key, Object.keys(EXTENSION_PLACES));
  const guess = suggestion === undefined ? '' : `did you mean "${suggestion}"? `;
  const known =
    allowedHere.length > 0
      ? `Known keys here: ${allowedHere.join(', ')}`
      : `no extension is allowed here; the contract's extensions are ${Object.keys(EXTENSION_PLACES).join(', ')}`;
  problems.add(
    path,
    'unknown-extension',
    `unknown key "${key}" on ${where}`,
    `${guess}${known}`,
    suggestion === undefined ? undefined : { suggests: suggestion },
  );
}

function describePlace(path: JsonPath): string {
  if (path.length === 0) return 'the document root';
  const [section, name] = path;
  if (path.length === 2 && section === 'operations') return `operation "${name}"`;
  if (path.length === 2 && section === 'channels') return `channel "${name}"`;
  if (path.length === 3 && section === 'components' && name === 'messages') return `message "${path[2]}"`;
  return path.join('.');
}
