import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../runtime/errors.js';
import { tlsFailureReason, tlsSocketOptions } from '../../../runtime/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'tls-config-'));
const caFile = join(dir, 'ca.pem');
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');
writeFileSync(caFile, 'CA PEM');
writeFileSync(certFile, 'CERT PEM');
writeFileSync(keyFile, 'KEY PEM');

const amqps = new URL('amqps://rabbitmq.peerprep.internal:5671/peerprep');
const amqp = new URL('amqp://localhost:5672/');

describe('tlsSocketOptions', () => {
  it('verifies the broker by default, with its host name', () => {
    expect(tlsSocketOptions(amqps, undefined, {})).toEqual({
      servername: 'rabbitmq.peerprep.internal',
      rejectUnauthorized: true,
    });
  });

  it('reads CA, client certificate and key from the files the environment names', () => {
    const options = tlsSocketOptions(amqps, undefined, {
      RABBITMQ_CA_FILE: caFile,
      RABBITMQ_CERT_FILE: certFile,
      RABBITMQ_KEY_FILE: keyFile,
      RABBITMQ_KEY_PASSPHRASE: 'pp',
    });
    expect([
      String(options.ca),
      String(options.cert),
      String(options.key),
      options.passphrase,
      options.rejectUnauthorized,
    ]).toEqual(['CA PEM', 'CERT PEM', 'KEY PEM', 'pp', true]);
  });

  it('lets options win over the environment', () => {
    const options = tlsSocketOptions(amqps, { ca: 'OPTION CA' }, { RABBITMQ_CA_FILE: caFile });
    expect(options.ca).toBe('OPTION CA');
  });

  it.each([
    ['TLS options with amqp://', () => tlsSocketOptions(amqp, { ca: 'x' }, {}), /URL does not use amqps/],
    [
      'TLS variables with amqp://',
      () => tlsSocketOptions(amqp, undefined, { RABBITMQ_CA_FILE: caFile }),
      /RABBITMQ_CA_FILE set but the URL does not use amqps/,
    ],
    [
      'TLS variables with amqp://, before reading the files they name',
      () => tlsSocketOptions(amqp, undefined, { RABBITMQ_CA_FILE: join(dir, 'missing.pem') }),
      /RABBITMQ_CA_FILE set but the URL does not use amqps/,
    ],
    [
      'an unreadable file',
      () => tlsSocketOptions(amqps, undefined, { RABBITMQ_KEY_FILE: join(dir, 'missing.pem') }),
      /RABBITMQ_KEY_FILE=.*missing\.pem cannot be read: ENOENT/,
    ],
  ])('refuses %s with a ConfigError', (_name, run, message) => {
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(message);
  });

  it('never puts the passphrase in an error', () => {
    expect(() => tlsSocketOptions(amqp, undefined, { RABBITMQ_KEY_PASSPHRASE: 'pass-phrase-123' })).toThrow(
      /RABBITMQ_KEY_PASSPHRASE set/,
    );
    expect(() => tlsSocketOptions(amqp, undefined, { RABBITMQ_KEY_PASSPHRASE: 'pass-phrase-123' })).not.toThrow(
      /pass-phrase-123/,
    );
  });
});

describe('tlsFailureReason', () => {
  const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });
  it.each([
    ['self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN', true],
    ['unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', true],
    ["Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID', true],
    ['certificate required', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', true],
    ['connect ECONNREFUSED 127.0.0.1:5671', 'ECONNREFUSED', false],
  ])('%s (%s) is a TLS failure: %s', (message, code, isTls) => {
    expect(tlsFailureReason(withCode(message, code))).toBe(isTls ? `${message} (${code})` : undefined);
  });
});
