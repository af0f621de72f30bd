/** A participant's WebSocket connection to a collaboration session: sends edits, awaits frames. */
import WebSocket from 'ws';
import type { ServerFrame } from '../services/collaboration-service/protocol.js';
import { poll } from './poll.js';

export class SessionClient {
  private readonly frames: ServerFrame[] = [];

  private constructor(private readonly socket: WebSocket) {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a Buffer: ws's default binaryType, 'nodebuffer'
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as ServerFrame));
  }

  static connect(url: string): Promise<SessionClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const client = new SessionClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => reject(new WebSocketRefused(response.statusCode ?? 0, body)));
      });
      socket.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** A binary frame, which the protocol does not allow (for tests of how it is refused). */
  sendBinary(data: Buffer): void {
    this.socket.send(data, { binary: true });
  }

  /** The first frame of this type not taken yet (waiting for it if need be), taken off the list. */
  async next<K extends ServerFrame['type']>(type: K, timeoutMs?: number): Promise<Extract<ServerFrame, { type: K }>> {
    return poll(
      () => {
        const at = this.frames.findIndex((frame) => frame.type === type);
        return at === -1 ? undefined : (this.frames.splice(at, 1)[0] as Extract<ServerFrame, { type: K }>);
      },
      `a "${type}" frame`,
      timeoutMs,
    );
  }

  /** The frames of this type received so far and not taken by `next`, left on the list. */
  peek<K extends ServerFrame['type']>(type: K): Extract<ServerFrame, { type: K }>[] {
    return this.frames.filter((frame): frame is Extract<ServerFrame, { type: K }> => frame.type === type);
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close(1000);
    });
  }
}

export class WebSocketRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`WebSocket upgrade refused with HTTP ${status}: ${body}`);
  }
}
