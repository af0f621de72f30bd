/**
 * The repository holds no credential. Rules, over every file git tracks or would track:
 * 1. No URL with a literal password (`scheme://user:secret@host`); placeholders such as `***`,
 *    `${VAR}`, `<password>` or `{password}` are fine. One listed exception, with its reason.
 * 2. No private key, in any file.
 * 3. No file that is a secret by its kind: `.env` (`.env.example` is fine), `*.key`, `*.pem`, `*.p12`,
 *    `*secrets*.json`/`.env` (.gitignore keeps local `.env` files out).
 * 4. Code that ships (runtime/, generated/, services/, provision/) never falls back to a
 *    credential: not RabbitMQ's loopback-only `guest` account, not the old `admin`/`password`.
 *    Test support and local developer tooling may use `guest` on the local broker.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const THIS_FILE = relative(ROOT, import.meta.filename);

const CREDENTIAL_URL = /\b[a-z][a-z0-9+.-]*:\/\/([^/\s:@'"`]+):([^/\s@'"`]+)@/gi;
const PLACEHOLDER_PASSWORD = /^(\*+|\$\{[^}]*\}|<[^>]*>|\{[^}]*\}|%s)$/;
/** `user:password` is the generic example in help texts; the old real default `admin:password` is not a placeholder. */
const isPlaceholder = (match: RegExpMatchArray) =>
  PLACEHOLDER_PASSWORD.test(match[2] ?? '') || (match[1] === 'user' && match[2] === 'password');
const PRIVATE_KEY = new RegExp(['-----BEGIN', '[A-Z ]*PRIVATE KEY-----'].join(' ?'));
const SECRET_FILE = /(^|\/)(\.env(\.(?!example$)[^/]*)?|[^/]*\.(key|pem|p12|pfx)|[^/]*secrets?[^/]*\.(json|env))$/i;
const SHIPPED_CODE = /^(runtime|generated|services|provision)\//;
const FALLBACK_CREDENTIAL = /['"`]guest['"`]|guest:guest|admin:password/;

/** Files allowed a literal credential URL, and why. */
const CREDENTIAL_URL_EXCEPTIONS: Record<string, string> = {
  'test/interop/python/peerprep_client.py':
    'reproduces the PeerPrep Python client as deployed, including its built-in default URL (the interop tests never use it)',
};

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\n')
  .filter((file) => file !== '' && file !== THIS_FILE && !file.startsWith('node_modules/'));

function text(file: string): string {
  try {
    const content = readFileSync(resolve(ROOT, file));
    return content.includes(0) ? '' : content.toString('utf8');
  } catch {
    return ''; // deleted in the working tree
  }
}

function findings(
  pattern: RegExp,
  select: (file: string) => boolean,
  accept: (match: RegExpMatchArray) => boolean = () => false,
): string[] {
  return files.filter(select).flatMap((file) =>
    text(file)
      .split('\n')
      .flatMap((line, index) =>
        [
          ...line.matchAll(
            new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`),
          ),
        ]
          .filter((match) => !accept(match))
          .map((match) => `${file}:${index + 1}: ${match[0]}`),
      ),
  );
}

describe('no credential in the repository', () => {
  it('scans the tree', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('runtime/config.ts');
  });

  it('has no URL with a literal password', () => {
    expect(findings(CREDENTIAL_URL, (file) => !(file in CREDENTIAL_URL_EXCEPTIONS), isPlaceholder)).toEqual([]);
  });

  it('has no private key', () => {
    expect(findings(PRIVATE_KEY, () => true)).toEqual([]);
  });

  it('tracks no secret file', () => {
    expect(files.filter((file) => SECRET_FILE.test(file))).toEqual([]);
  });

  it('ships no code that falls back to a credential', () => {
    expect(findings(FALLBACK_CREDENTIAL, (file) => SHIPPED_CODE.test(file))).toEqual([]);
  });

  it.each([
    ['amqp://admin:password@rabbitmq:5672/', true],
    ['amqps://svc:S3cr3t@broker.internal:5671/peerprep', true],
    ['amqp://user:***@localhost:5672/', false],
    ['amqp://${user}:${password}@localhost', false],
    ['amqp://user:<password>@localhost', false],
    ['amqp://localhost:5672', false],
    ['amqp://user:password@host:5672', false],
  ])('rule 1 flags %s: %s', (url, flagged) => {
    const matches = [...url.matchAll(CREDENTIAL_URL)].filter((match) => !isPlaceholder(match));
    expect(matches.length > 0).toBe(flagged);
  });

  it.each([
    ['.env', true],
    ['config/.env.production', true],
    ['.env.example', false],
    ['certs/server.key', true],
    ['ca.pem', true],
    ['deploy/secrets.json', true],
    ['runtime/config.ts', false],
    ['docs/security.md', false],
    ['generated/permissions.json', false],
  ])('rule 3 treats %s as a secret file: %s', (file, secret) => {
    expect(SECRET_FILE.test(file)).toBe(secret);
  });
});
