/**
 * Test helper: a throwaway certificate authority made with `openssl`, and a RabbitMQ TLS listener on
 * a spare loopback port of the running broker, started and stopped with `rabbitmqctl eval`
 * (no broker restart, so tests running beside it are not disturbed). The listener verifies client
 * certificates against the CA (mutual TLS).
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CertificateFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface TlsListener {
  port: number;
  /** PEM files the broker's clients use: the CA that signed the broker, a client certificate and key. */
  client: CertificateFiles;
  /** A CA that signed nothing of the broker's. */
  untrustedCa: string;
  /** `plainUrl` over amqps on this listener, by host name (the broker's certificate names `localhost`). */
  urlFor(plainUrl: string): string;
  stop(): Promise<void>;
}

export async function startTlsListener(): Promise<TlsListener> {
  const dir = await mkdtemp(join(tmpdir(), 'rabbitmq-tls-test-'));
  // The broker runs as another user: it must be able to read its certificate and key.
  await chmod(dir, 0o755);
  const file = (name: string) => join(dir, name);
  await makeCa(file('ca'), 'peerprep-test-ca');
  await makeCa(file('untrusted-ca'), 'untrusted-test-ca');
  await issue(file('ca'), file('server'), 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1');
  await issue(file('ca'), file('client'), 'peerprep-test-client', 'extendedKeyUsage=clientAuth');
  await chmod(file('server.key'), 0o644);
  const port = await sparePort();
  const options = `[{cacertfile,"${file('ca.pem')}"},{certfile,"${file('server.pem')}"},{keyfile,"${file('server.key')}"},{verify,verify_peer},{fail_if_no_peer_cert,true}]`;
  try {
    await rabbitmqEval(`rabbit_networking:start_ssl_listener({"127.0.0.1", ${port}}, ${options}, 1).`);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    client: { ca: file('ca.pem'), cert: file('client.pem'), key: file('client.key') },
    untrustedCa: file('untrusted-ca.pem'),
    urlFor(plainUrl) {
      const url = new URL(plainUrl);
      url.protocol = 'amqps:';
      url.hostname = 'localhost';
      url.port = String(port);
      return url.toString();
    },
    async stop() {
      await rabbitmqEval(`rabbit_networking:stop_tcp_listener({"127.0.0.1", ${port}}).`);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function isListening(port: number): Promise<boolean> {
  const { stdout } = await run('rabbitmqctl', [
    '-q',
    'eval',
    `[P || {listener, _, _, _, _, P, _} <- rabbit_networking:active_listeners(), P =:= ${port}].`,
  ]);
  return stdout.includes(String(port));
}

async function rabbitmqEval(expression: string): Promise<void> {
  const { stdout } = await run('rabbitmqctl', ['-q', 'eval', expression]);
  if (stdout.trim() !== 'ok') throw new Error(`rabbitmqctl eval ${expression} answered ${stdout.trim()}`);
}

async function makeCa(base: string, commonName: string): Promise<void> {
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${commonName}`,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.pem`,
  ]);
}

async function issue(ca: string, base: string, commonName: string, extension: string): Promise<void> {
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${commonName}`,
    '-keyout',
    `${base}.key`,
    '-out',
    `${base}.csr`,
  ]);
  await writeFile(`${base}.ext`, `${extension}\n`);
  await run('openssl', [
    'x509',
    '-req',
    '-days',
    '1',
    '-in',
    `${base}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-extfile',
    `${base}.ext`,
    '-out',
    `${base}.pem`,
  ]);
}

function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export const readPem = (path: string): Promise<Buffer> => readFile(path);
