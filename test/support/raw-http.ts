/**
 * HTTP and WebSocket at the byte level, for what well-behaved clients (fetch, ws) refuse to send:
 * hostile request targets, and WebSocket frames the protocol forbids.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** The server's answer to one request: up to the end of its body, or all it sent before closing. */
export function exchange(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let received = '';
    const done = () => {
      socket.destroy();
      resolve(received);
    };
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (isComplete(received)) done();
    });
    socket.on('error', reject);
    socket.on('close', done);
  });
}

function isComplete(response: string): boolean {
  const headEnd = response.indexOf('\r\n\r\n');
  if (headEnd === -1) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(response.slice(0, headEnd))?.[1];
  return length !== undefined && Buffer.byteLength(response.slice(headEnd + 4), 'latin1') >= Number(length);
}

/** A WebSocket upgrade request; `headers` replace or (with `undefined`) remove the standard ones. */
export function upgradeRequest(target: string, headers: Record<string, string | undefined> = {}): string {
  const all: Record<string, string | undefined> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all).flatMap(([name, value]) => (value === undefined ? [] : [`${name}: ${value}`]));
  return [`GET ${target} HTTP/1.1`, ...lines, '', ''].join('\r\n');
}

export interface Frame {
  fin?: boolean;
  rsv1?: boolean;
  opcode: number;
  payload?: Buffer;
  /** Client frames must be masked; false sends one unmasked. */
  masked?: boolean;
  /** The length the header claims, when it is not the payload's. */
  claimedLength?: bigint;
}

export function encodeFrame({
  fin = true,
  rsv1 = false,
  opcode,
  payload = Buffer.alloc(0),
  masked = true,
  claimedLength,
}: Frame): Buffer {
  const length = claimedLength ?? BigInt(payload.length);
  const first = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const mask = masked ? 0x80 : 0;
  let header: Buffer;
  if (length < 126n) header = Buffer.from([first, mask | Number(length)]);
  else if (length < 65_536n) {
    header = Buffer.from([first, mask | 126, 0, 0]);
    header.writeUInt16BE(Number(length), 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = mask | 127;
    header.writeBigUInt64BE(length, 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  return Buffer.concat([header, key, Buffer.from(payload.map((byte, index) => byte ^ key[index % 4]!))]);
}

/** A WebSocket opened by hand: the handshake's answer, then raw frames either way. */
export class RawWebSocket {
  private received = Buffer.alloc(0);
  private closed = false;
  private readonly waiters = new Set<() => void>();

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  /** Connects and completes the handshake; rejects with the server's answer if it is not 101. */
  static async open(port: number, target: string): Promise<RawWebSocket> {
    const socket = connect(port, '127.0.0.1');
    const raw = new RawWebSocket(socket);
    socket.write(upgradeRequest(target));
    const head = await raw.until(() => {
      const end = raw.received.indexOf('\r\n\r\n');
      return end === -1 ? undefined : end;
    });
    const answer = raw.received.subarray(0, head).toString('latin1');
    raw.received = raw.received.subarray(head + 4);
    if (!answer.startsWith('HTTP/1.1 101')) throw new Error(`handshake refused: ${answer}`);
    return raw;
  }

  write(frame: Frame | Buffer): void {
    this.socket.write(Buffer.isBuffer(frame) ? frame : encodeFrame(frame));
  }

  /** Resolves once the server has ended the connection, whatever it sent before (reading all of it). */
  async ended(): Promise<void> {
    this.socket.resume();
    await new Promise<void>((resolve) => (this.closed ? resolve() : this.socket.once('close', () => resolve())));
  }

  /** The close code of the server's close frame, skipping the frames before it. */
  async closeCode(): Promise<number> {
    for (;;) {
      const frame = await this.nextFrame();
      if (frame.opcode === 0x8) return frame.payload.readUInt16BE(0);
    }
  }

  /** Stops reading: what the server sends piles up in the kernel's buffers, then in the server. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private async nextFrame(): Promise<{ opcode: number; payload: Buffer }> {
    return this.until(() => {
      const data = this.received;
      if (data.length < 2) return undefined;
      let length = data[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (data.length < 4) return undefined;
        length = data.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (data.length < 10) return undefined;
        length = Number(data.readBigUInt64BE(2));
        offset = 10;
      }
      if (data.length < offset + length) return undefined;
      this.received = data.subarray(offset + length);
      return { opcode: data[0]! & 0x0f, payload: data.subarray(offset, offset + length) };
    });
  }

  private async until<T>(take: () => T | undefined): Promise<T> {
    for (;;) {
      const value = take();
      if (value !== undefined) return value;
      if (this.closed) throw new Error('the server closed the connection');
      await new Promise<void>((resolve) => this.waiters.add(resolve));
    }
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }
}
