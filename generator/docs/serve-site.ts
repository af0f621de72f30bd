/** A static file server for the built site on 127.0.0.1 (node:http; nothing to install). */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
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
  close(): Promise<void>;
}

/** The file a URL path names inside `root`, or undefined when it would leave `root`. */
function fileFor(root: string, urlPath: string): string | undefined {
  const path = normalize(decodeURIComponent(urlPath.split('?')[0] ?? '/'));
  const file = join(root, path.endsWith('/') ? join(path, 'index.html') : path);
  return file === root || file.startsWith(`${root}${sep}`) ? file : undefined;
}

/** Serves `dir` on `port` (0: any free port) until `close()`. */
export function serveSite(dir: string, port: number): Promise<RunningSite> {
  const root = resolve(dir);
  const server: Server = createServer(async (request, response) => {
    const file = fileFor(root, request.url ?? '/');
    const found = file === undefined ? undefined : await stat(file).catch(() => undefined);
    if (file === undefined || found === undefined || !found.isFile()) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolveStart, rejectStart) => {
    server.once('error', rejectStart);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as AddressInfo;
      resolveStart({
        url: `http://127.0.0.1:${bound}/`,
        close: () => new Promise((resolveClose) => server.close(() => resolveClose())),
      });
    });
  });
}
