/**
 * A static file server for the built site on 127.0.0.1 (node:http; nothing to install). With
 * `liveReload`, pages it serves reload themselves when `reload()` is called (server-sent events on
 * LIVE_RELOAD_PATH; the script is added to each HTML response, never to the files).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

export interface RunningSite {
  url: string;
  /** Tells every open page to reload. */
  reload(): void;
  close(): Promise<void>;
}

export const LIVE_RELOAD_PATH = '/__live-reload';
const LIVE_RELOAD_SCRIPT = `<script>new EventSource('${LIVE_RELOAD_PATH}').onmessage = () => location.reload();</script>`;

function withLiveReload(html: string): string {
  const end = html.lastIndexOf('</body>');
  return end === -1 ? `${html}${LIVE_RELOAD_SCRIPT}` : `${html.slice(0, end)}${LIVE_RELOAD_SCRIPT}${html.slice(end)}`;
}

/** The URL's path decoded, or undefined when its percent-encoding is malformed (`/%E0%A4%A`). */
function decodedPath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
}

/** The file a decoded URL path names inside `root`, or undefined when it would leave `root`. */
function fileFor(root: string, decoded: string): string | undefined {
  const path = normalize(decoded);
  const file = join(root, path.endsWith('/') ? join(path, 'index.html') : path);
  return file === root || file.startsWith(`${root}${sep}`) ? file : undefined;
}

/** Serves `dir` on `port` (0: any free port) until `close()`. */
export function serveSite(dir: string, port: number, { liveReload = false } = {}): Promise<RunningSite> {
  const root = resolve(dir);
  const listeners = new Set<ServerResponse>();
  const respond = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (liveReload && request.url === LIVE_RELOAD_PATH) {
      response
        .writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
        .write(': listening\n\n');
      listeners.add(response);
      request.once('close', () => listeners.delete(response));
      return;
    }
    const decoded = decodedPath(request.url ?? '/');
    if (decoded === undefined) {
      response
        .writeHead(400, { 'content-type': 'text/plain' })
        .end('bad request: the path is not valid percent-encoding\n');
      return;
    }
    const file = fileFor(root, decoded);
    const found = file === undefined ? undefined : await stat(file).catch(() => undefined);
    if (file === undefined || found === undefined || !found.isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    const contentType = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    if (liveReload && extname(file) === '.html') {
      const html = await readFile(file, 'utf8').catch(() => undefined);
      if (html === undefined) response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      else response.writeHead(200, { 'content-type': contentType }).end(withLiveReload(html));
      return;
    }
    response.writeHead(200, { 'content-type': contentType });
    createReadStream(file).pipe(response);
  };
  // A request that fails past the checks above ends its own response only, never the server.
  const server: Server = createServer((request, response) => {
    respond(request, response).catch(() => response.destroy());
  });
  return new Promise((resolveStart, rejectStart) => {
    server.once('error', rejectStart);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolveStart({
        url: `http://127.0.0.1:${bound}/`,
        reload: () => {
          for (const listener of listeners) listener.write('data: reload\n\n');
        },
        close: () =>
          new Promise((resolveClose) => {
            for (const listener of listeners) listener.end();
            server.close(() => resolveClose());
          }),
      });
    });
  });
}
