import { describe, expect, it } from 'vitest';
import { maskUrl, resolveConfig } from '../../../runtime/config.js';
import { ConfigError } from '../../../runtime/errors.js';

// Built from parts so that no literal credential URL sits in the repository.
const SECRET = 'TailSecret9';
const url = (userinfo: string, rest = 'host:5672/vhost'): string => `amqp://${userinfo}@${rest}`;

describe('maskUrl', () => {
  it.each([
    ['a well-formed password: the user stays', url(`svc:${SECRET}`), 'amqp://svc:***@host:5672/vhost'],
    ['a percent-encoded "/" in the password', url(`svc:a%2F${SECRET}`), 'amqp://svc:***@host:5672/vhost'],
    [
      'an unencoded "/" in the password: everything between // and the last @',
      url(`svc:5672/${SECRET}`, 'host'),
      'amqp://***@host',
    ],
    ['an unencoded "?" in the password', url(`svc:a?${SECRET}`), 'amqp://***@host:5672/vhost'],
    ['an unencoded "#" in the password', url(`svc:a#${SECRET}`), 'amqp://***@host:5672/vhost'],
    ['an unencoded "@" in the password', url(`svc:a@${SECRET}`), 'amqp://***@host:5672/vhost'],
    ['a user without a password', url('svc'), 'amqp://svc@host:5672/vhost'],
    ['no credentials', 'amqp://host:5672/vhost', 'amqp://host:5672/vhost'],
    ['amqps', `amqps://svc:${SECRET}@host/`, 'amqps://svc:***@host/'],
  ])('%s', (_name, given, want) => {
    expect(maskUrl(given)).toBe(want);
    expect(maskUrl(given)).not.toContain(SECRET);
  });
});

describe('resolveConfig', () => {
  it.each(['/', '?', '#'])(
    'refuses a password with an unencoded "%s", saying to percent-encode it, without showing it',
    (character) => {
      const given = url(`svc:5672${character}${SECRET}`, 'host');
      let error: unknown;
      try {
        resolveConfig('svc', { url: given });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as Error).message;
      expect(message).toContain('percent-encode the password');
      expect(message).toContain(`holds "${character}"`);
      expect(message).toContain('amqp://***@host');
      expect(message).not.toContain(SECRET);
    },
  );

  it('accepts the same password percent-encoded, and hides it in the display URL', () => {
    const config = resolveConfig('svc', { url: url(`svc:5672${encodeURIComponent('/')}${SECRET}`, 'host/') });
    expect(config.displayUrl).toBe('amqp://svc:***@host/?heartbeat=15');
    expect(config.endpoints[0]?.url).toContain(`5672%2F${SECRET}`);
  });

  it('hands amqplib the login decoded as UTF-8 (amqplib would decode it as Latin-1), and none for a URL without one', () => {
    const [endpoint] = resolveConfig('svc', { url: url(`dienst-%C3%BC:p%C3%A4ss-${SECRET}`, 'host/') }).endpoints;
    expect(endpoint?.socketOptions.credentials).toMatchObject({
      mechanism: 'PLAIN',
      username: 'dienst-ü',
      password: `päss-${SECRET}`,
    });
    expect(resolveConfig('svc', { url: 'amqp://host/' }).endpoints[0]?.socketOptions.credentials).toBeUndefined();
  });

  it('refuses a "%" in the password that does not start a percent-encoded character, saying to write %25, without showing it', () => {
    expect(() => resolveConfig('svc', { url: url(`svc:100%-${SECRET}`, 'host/') })).toThrow(
      /^the url option amqp:\/\/svc:\*\*\*@host\/: the password holds a "%" that does not start a percent-encoded UTF-8 character: write "%" as %25$/,
    );
  });

  it('says why a URL does not parse, without showing the password', () => {
    expect(() => resolveConfig('svc', { url: url(`svc:${SECRET}`, 'ho st:99999') })).toThrow(
      /^the url option is not a URL \(Invalid URL\): amqp:\/\/svc:\*\*\*@ho st:99999; expected/,
    );
  });

  it('refuses a cluster list whose entries log in as different users (a process has one identity), naming the entry', () => {
    const list = [url(`user-service:${SECRET}`, 'node1:5672/'), url(`matching-service:${SECRET}`, 'node2:5672/')];
    expect(() => resolveConfig('user-service', { url: list })).toThrow(
      /^the url option: entry 2 of 2 logs in as "matching-service", entry 1 as "user-service": every node must be given the same user/,
    );
    expect(() => resolveConfig('user-service', { url: list })).not.toThrow(new RegExp(SECRET));
    expect(
      resolveConfig('user-service', { url: [list[0]!, url(`user-service:${SECRET}`, 'node2:5672/')] }).endpoints,
    ).toHaveLength(2);
    // The same user, percent-encoded differently, is the same identity.
    expect(
      resolveConfig('user-service', { url: [list[0]!, url(`user%2Dservice:${SECRET}`, 'node2:5672/')] }).endpoints,
    ).toHaveLength(2);
  });

  it('defaults maxMessageBytes to 16 MiB and refuses a non-positive one', () => {
    expect(resolveConfig('svc', {}).maxMessageBytes).toBe(16 * 1024 * 1024);
    expect(() => resolveConfig('svc', { maxMessageBytes: 0 })).toThrow(ConfigError);
  });

  it.each(['4096', '65536', 'many'])(
    "refuses frameMax=%s, too small for a message's headers to fit one frame",
    (frameMax) => {
      expect(() => resolveConfig('svc', { url: `amqp://host/?frameMax=${frameMax}` })).toThrow(
        `frameMax must be 0 (no limit) or at least 69632 so that a message's headers (up to 65536 bytes) fit one frame, got "${frameMax}"`,
      );
    },
  );

  it.each(['131072', '0', '1048576'])('accepts frameMax=%s', (frameMax) => {
    expect(resolveConfig('svc', { url: `amqp://host/?frameMax=${frameMax}` }).endpoints[0]?.url).toContain(
      `frameMax=${frameMax}`,
    );
  });
});
