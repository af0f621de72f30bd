/** Where each page of the site lives, and the anchors pages link to. Paths are relative to the site root. */

/** Where the official @asyncapi/html-template rendering goes. */
export const REFERENCE_DIR = 'reference';

export const SITE_PATHS = {
  overview: 'index.html',
  topology: 'topology.html',
  history: 'history.html',
  reference: `${REFERENCE_DIR}/index.html`,
} as const;

export function servicePath(service: string): string {
  return `services/${service}.html`;
}

/** An id usable as an HTML anchor: `message-UserCreated`. */
export function anchor(kind: 'message' | 'operation' | 'queue' | 'exchange', name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

/** A link from a page at `fromPath` to `toPath` (both relative to the site root). */
export function relativeLink(fromPath: string, toPath: string): string {
  const depth = fromPath.split('/').length - 1;
  return `${'../'.repeat(depth)}${toPath}`;
}
