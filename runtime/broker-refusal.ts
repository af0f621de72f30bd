/**
 * Tells a broker that refused us from one that could not be reached: wrong credentials and a vhost
 * the user may not open are answered by the broker itself, at once and every time, so retrying is
 * pointless and "is the broker running?" is the wrong question.
 */
import { CredentialsRefusedError, VhostRefusedError, type MessagingError } from './errors.js';

/** amqplib 2.x: the broker closed the connection in answer to our login (403 ACCESS_REFUSED). */
const LOGIN_REFUSED = /Handshake terminated by server: 403\b|ACCESS[-_]REFUSED/;
/** amqplib 2.x: the broker closed the connection in answer to `connection.open` (530 NOT_ALLOWED: no such vhost, or no access to it). */
const OPEN_REFUSED = /Expected ConnectionOpenOk; got <ConnectionClose\b/;

/** The typed error for a refusal, or undefined if `error` is something else. `url` is the real URL (read for its user and vhost), `displayUrl` the masked one. */
export function brokerRefusal(url: string, displayUrl: string, error: unknown): MessagingError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (!LOGIN_REFUSED.test(text) && !OPEN_REFUSED.test(text)) return undefined;
  const { user, vhost } = identity(url);
  return LOGIN_REFUSED.test(text)
    ? new CredentialsRefusedError(displayUrl, user)
    : new VhostRefusedError(displayUrl, user, vhost);
}

/** The user and vhost amqplib logs in with, as in the URL, percent-decoded (no user: amqplib's default account; no vhost: "/"). */
function identity(url: string): { user: string | undefined; vhost: string } {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/^\//, '');
  return {
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    vhost: path === '' ? '/' : decodeURIComponent(path),
  };
}
