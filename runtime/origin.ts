/**
 * Who sent a message, as far as the broker vouches for it.
 *
 * RabbitMQ checks a message's `user_id` property against the user of the connection that
 * published it and refuses a mismatch (only a user tagged `impersonator` may claim another), so
 * a `user_id` names the broker user that really published. The runtime stamps its own user on
 * everything it publishes. Provisioned service users are named `<prefix><service>`
 * (provision/plan.ts); the runtime learns the prefix from its own user, which ends with its own
 * service's name, so `<prefix><other service>` identifies every other service of the contract
 * without any configuration. A user that is not of that form (a shared development user, a
 * Python peer's user) proves nothing about which service sent a message: such a message, and
 * one without `user_id`, has an unverified origin, handled by the operation's
 * `UnverifiedOriginPolicy`. A URL without a user connects as the broker's default user, which the
 * runtime does not guess: it then stamps no `user_id` at all, and is a shared identity too.
 *
 * A consumer dispatches on the route the broker delivered a message on. The retry re-entry
 * headers (`x-original-*`, `x-attempt`) are believed only on a delivery that came back through
 * its own retry path: through the default exchange with its own user as `user_id`, which no other
 * user can set.
 */
import type { ConsumeMessage } from 'amqplib';
import type { UnverifiedOriginPolicy } from './definition.js';
import { Header } from './headers.js';

/** What a handler learns about who published the message. */
export interface MessageOrigin {
  /** True when the broker vouches for the publishing service (`service` is set). */
  verified: boolean;
  /** The service whose broker identity published the message, when `verified`. */
  service?: string;
  /** The message's `user_id` as first published (absent when it had none). */
  userId?: string;
}

export interface BrokerIdentity {
  /** The broker user this process connects as: the `user_id` of everything it publishes. Undefined when the URL names none. */
  user: string | undefined;
  /** `<prefix>` when `user` is `<prefix><service>`; undefined for a shared identity (no service can be told apart). */
  servicePrefix: string | undefined;
}

/** The user named in the URL (percent-decoded, as the runtime logs in). */
export function identityOf(url: string, service: string): BrokerIdentity {
  const { username } = new URL(url);
  return identityOfUser(username === '' ? undefined : decodeURIComponent(username), service);
}

/** `service`'s identity when it connects as `user` (undefined: the broker's default user). */
export function identityOfUser(user: string | undefined, service: string): BrokerIdentity {
  if (user === undefined) return { user: undefined, servicePrefix: undefined };
  const servicePrefix = user.endsWith(service) ? user.slice(0, user.length - service.length) : undefined;
  return { user, servicePrefix };
}

/** The route and attempt a delivery is dispatched by, and the `user_id` it was first published with. */
export interface Provenance {
  exchange: string;
  routingKey: string;
  attempt: number;
  userId: string | undefined;
  /** It came back through this consumer's own retry path (or a replay trusted as such). */
  reentered: boolean;
}

/** A message's origin, judged: handled (`flagged` when the policy asks for it to be noted) or refused, and why. */
export type OriginVerdict =
  { refused: false; origin: MessageOrigin; flagged: boolean } | { refused: true; reason: string };

/** Judged the same for every message, so made once: handling a message costs no allocation here. */
type Handled = Extract<OriginVerdict, { refused: false }>;
const UNVERIFIED_WITHOUT_USER: Readonly<MessageOrigin> = Object.freeze({ verified: false });
const ACCEPTED_WITHOUT_USER: Handled = Object.freeze({
  refused: false,
  origin: UNVERIFIED_WITHOUT_USER,
  flagged: false,
});
const FLAGGED_WITHOUT_USER: Handled = Object.freeze({ refused: false, origin: UNVERIFIED_WITHOUT_USER, flagged: true });

export class OriginJudge {
  /** By broker user: the service it is and the verdict for a message from it that the contract allows. */
  private readonly serviceUsers: Map<string, { service: string; allowed: Handled }>;

  constructor(
    readonly identity: BrokerIdentity,
    services: readonly string[],
  ) {
    const prefix = identity.servicePrefix;
    this.serviceUsers = new Map(
      prefix === undefined
        ? []
        : services.map((service) => {
            const userId = `${prefix}${service}`;
            return [
              userId,
              {
                service,
                allowed: Object.freeze({
                  refused: false,
                  origin: Object.freeze({ verified: true, service, userId }),
                  flagged: false,
                }),
              },
            ];
          }),
    );
  }

  /** The route the broker delivered on, or the route recorded by our own retry path when the delivery provably came back through it. */
  provenanceOf(message: ConsumeMessage): Provenance {
    const { fields, properties } = message;
    // Without a user of our own we stamp no user_id, so our re-entries come without one.
    if (fields.exchange === '' && stringOrUndefined(properties.userId) === this.identity.user) {
      const headers: Record<string, unknown> = properties.headers ?? {};
      const exchange = headers[Header.originalExchange];
      const routingKey = headers[Header.originalRoutingKey];
      const userId = headers[Header.originalUserId];
      const attempt = Number(headers[Header.attempt]);
      if (typeof exchange === 'string' && typeof routingKey === 'string') {
        return {
          exchange,
          routingKey,
          attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 1,
          userId: typeof userId === 'string' ? userId : undefined,
          reentered: true,
        };
      }
    }
    return {
      exchange: fields.exchange,
      routingKey: fields.routingKey,
      attempt: 1,
      userId: stringOrUndefined(properties.userId),
      reentered: false,
    };
  }

  /**
   * Judges a message's origin against the services the contract lets send it (`owners`: the
   * publishers of its channel, or an RPC's callers) and the operation's policy for an unverified one.
   * A refusal's reason is a predicate ("was published by ..."): the caller names the message.
   */
  judge(
    userId: string | undefined,
    owners: readonly string[] | undefined,
    policy: UnverifiedOriginPolicy | undefined,
  ): OriginVerdict {
    const serviceUser = userId === undefined ? undefined : this.serviceUsers.get(userId);
    if (serviceUser !== undefined) {
      const { service, allowed } = serviceUser;
      if (owners === undefined || owners.includes(service)) return allowed;
      return {
        refused: true,
        reason: `was published by ${service} (user_id "${userId}"), which the contract does not allow (${owners.length > 0 ? `only ${owners.join(', ')}` : 'no service'})`,
      };
    }
    switch (policy ?? 'accept') {
      case 'accept':
        return userId === undefined
          ? ACCEPTED_WITHOUT_USER
          : { refused: false, origin: { verified: false, userId }, flagged: false };
      case 'flag':
        return userId === undefined
          ? FLAGGED_WITHOUT_USER
          : { refused: false, origin: { verified: false, userId }, flagged: true };
      case 'refuse':
        return {
          refused: true,
          reason: `has an unverified origin (${describeUser(userId)}) and the contract refuses unverified origins for it`,
        };
    }
  }
}

export function describeUser(userId: string | undefined): string {
  return userId === undefined ? 'no user_id' : `user_id "${userId}" is not a service identity`;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
