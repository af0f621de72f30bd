/**
 * Per-subscription bindings (`x-queue bindings: per-subscription`): a consumer whose per-instance
 * queue is bound to one routing key per parameter value the service subscribed to, rather than to
 * the channel's wildcard pattern. Subscriptions are counted per consumer and routing key, one hold
 * per `subscribe` call: the first binds, the last matching `unsubscribe` unbinds, and an
 * `unsubscribe` with nothing to release does nothing. An `unsubscribe` releases the oldest hold,
 * even one whose `subscribe` is still binding; a `subscribe` that fails drops its own hold if it
 * is still there, so nothing is released twice. The queue is exclusive, so its bindings die with
 * the consume connection: `bindAll` re-applies every live subscription on each new connection (a
 * reconnect, a failover to another node) before consuming resumes there, then tells the
 * `onResubscribed` listeners: what was published while there was no queue never reached it.
 */
import type { Channel, ChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import type { RoutingParams } from './api.js';
import type { ConnectionManager } from './connection.js';
import type { ConsumerSpec } from './definition.js';
import { ConfigError, ConnectionClosedError, describeError } from './errors.js';
import { ManagedChannel } from './managed-channel.js';
import { compileRoutingKey, type RoutingKeyTemplate } from './routing-key.js';
import type { QueueNames } from './topology.js';

interface Subscribable {
  spec: ConsumerSpec;
  routingKey: RoutingKeyTemplate;
  /** The queue's name on the broker. */
  queue: string;
}

interface Subscription {
  target: Subscribable;
  /** The routing key bound: the template filled with the subscribed parameter values. */
  routingKey: string;
  params: RoutingParams;
  /** One per `subscribe` not yet released (nor failed), oldest first. */
  holds: Hold[];
  /** The connection the binding exists on; undefined while it is not bound. */
  boundOn: ChannelModel | undefined;
  /** The broker work for this routing key, one step after the other. */
  settled: Promise<void>;
}

/** Told the parameters of every subscription held, once they are bound on a new queue. */
export type ResubscribedListener = (held: RoutingParams[]) => void;

/** One `subscribe` call's claim on a routing key: an identity, so that releasing and failing never both count it. */
type Hold = object;

export interface SubscriptionDeps {
  service: string;
  names: QueueNames;
  consuming: ConnectionManager;
  logger: Logger;
  registry: Registry;
  /** How long a subscribe or unsubscribe waits for the broker during an outage. */
  timeoutMs: number;
  waiterLimit: number;
}

export class SubscriptionManager {
  readonly slot: ManagedChannel<Channel>;
  private readonly targets: Map<string, Subscribable>;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly resubscribed = new Map<string, ResubscribedListener[]>();
  /** Routing keys held, per consumer (bound, or being bound). */
  private readonly active: Gauge<'service' | 'operation'>;
  private closed = false;

  constructor(
    specs: readonly ConsumerSpec[],
    private readonly deps: SubscriptionDeps,
  ) {
    this.targets = new Map(
      specs
        .filter((spec) => spec.perSubscription === true)
        .map((spec) => [
          spec.name,
          { spec, routingKey: compileRoutingKey(spec.routingKey), queue: deps.names.resolve(spec.queue) },
        ]),
    );
    this.slot = new ManagedChannel(
      { name: 'subscriptions', open: (model) => model.createChannel(), setup: async () => undefined },
      deps.consuming,
      deps.logger,
      deps.waiterLimit,
    );
    this.active = activeGauge(deps.registry);
    for (const name of this.targets.keys()) this.active.set({ service: deps.service, operation: name }, 0);
  }

  /** Binds the consumer's queue to the routing key of `params` unless this instance holds it already; resolves once bound. */
  async subscribe(name: string, params: RoutingParams): Promise<void> {
    const target = this.target(name, 'subscribe');
    const routingKey = target.routingKey.fill(params);
    if (this.closed) throw new ConnectionClosedError(`subscribe ${name}`);
    const key = `${name}\u0000${routingKey}`;
    let subscription = this.subscriptions.get(key);
    if (subscription === undefined) {
      subscription = { target, routingKey, params, holds: [], boundOn: undefined, settled: Promise.resolve() };
      this.subscriptions.set(key, subscription);
      this.active.inc({ service: this.deps.service, operation: name });
    }
    const hold: Hold = {};
    subscription.holds.push(hold);
    try {
      await this.settle(key, subscription, hold);
    } catch (error) {
      // The binding could not be made: this hold is not counted (unless an unsubscribe released it already), so nothing is re-bound for it later.
      const index = subscription.holds.indexOf(hold);
      if (index !== -1) subscription.holds.splice(index, 1);
      // Released as by an unsubscribe: a binding made on a connection now gone (or by a re-bind meanwhile) is dropped, not left counted or bound.
      if (subscription.holds.length === 0) void this.settle(key, subscription, undefined).catch(() => undefined);
      throw error;
    }
  }

  /** Releases one `subscribe` of `params`; the last one unbinds. Nothing to release is not an error. */
  async unsubscribe(name: string, params: RoutingParams): Promise<void> {
    const target = this.target(name, 'unsubscribe');
    const key = `${name}\u0000${target.routingKey.fill(params)}`;
    const subscription = this.subscriptions.get(key);
    if (subscription === undefined || subscription.holds.shift() === undefined) return;
    if (subscription.holds.length === 0) await this.settle(key, subscription, undefined);
  }

  /** Binds every subscription held on a fresh connection, before its consumers start. */
  async bindAll(model: ChannelModel): Promise<void> {
    const held = [...this.subscriptions.values()].filter((subscription) => subscription.holds.length > 0);
    if (held.length === 0) return;
    const channel = await model.createChannel();
    channel.on('error', () => undefined);
    try {
      for (const subscription of held) {
        await channel.bindQueue(subscription.target.queue, subscription.target.spec.exchange, subscription.routingKey);
        subscription.boundOn = model;
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
    this.deps.logger.info({ subscriptions: held.length }, 're-bound the subscriptions on the new connection');
    for (const [name, listeners] of this.resubscribed) {
      const params = held.filter((subscription) => subscription.target.spec.name === name).map((s) => s.params);
      if (params.length > 0) for (const listener of listeners) this.tell(name, listener, params);
    }
  }

  /** Calls `listener` each time the consumer's queue is new and its held subscriptions are bound on it, before it is consumed. */
  onResubscribed(name: string, listener: ResubscribedListener): void {
    this.target(name, 'listen to the re-subscriptions of');
    this.resubscribed.set(name, [...(this.resubscribed.get(name) ?? []), listener]);
  }

  /** A listener's throw is logged: consuming resumes on the new queue whatever it does. */
  private tell(name: string, listener: ResubscribedListener, params: RoutingParams[]): void {
    try {
      listener(params);
    } catch (error) {
      this.deps.logger.error(
        { consumer: name, err: describeError(error) },
        'an onResubscribed listener threw; consuming resumes',
      );
    }
  }

  /** Subscribe and unsubscribe fail from now on; the bindings go with the exclusive queue when the connection closes. */
  async close(): Promise<void> {
    this.closed = true;
    await this.slot.close();
  }

  private target(name: string, operation: string): Subscribable {
    const target = this.targets.get(name);
    if (target === undefined) {
      const known = [...this.targets.keys()];
      throw new ConfigError(
        `cannot ${operation} "${name}": ${this.deps.service} has no per-subscription consumer of that name (${known.length > 0 ? `it has ${known.join(', ')}` : 'it has none'})`,
      );
    }
    return target;
  }

  /**
   * Queues one step after the steps before it: for the `hold` of a subscribe still held, the
   * binding is made unless it exists; for any other step, the binding is removed once nothing holds it.
   */
  private settle(key: string, subscription: Subscription, hold: Hold | undefined): Promise<void> {
    const step = subscription.settled.then(() => this.reconcile(key, subscription, hold));
    subscription.settled = step.catch(() => undefined);
    return step;
  }

  private async reconcile(key: string, subscription: Subscription, hold: Hold | undefined): Promise<void> {
    const { target, routingKey } = subscription;
    for (;;) {
      const wanted = hold !== undefined && subscription.holds.includes(hold);
      // Released while queued, but held by others: their own steps bind it if it is not bound.
      if (!wanted && subscription.holds.length > 0) return;
      if (!wanted && subscription.boundOn === undefined) return this.forget(key, subscription);
      const operation = `${wanted ? 'subscribe' : 'unsubscribe'} ${target.spec.name}`;
      let channel: Channel;
      try {
        channel = await this.slot.acquire(operation, this.deps.timeoutMs);
      } catch (error) {
        // No connection: whatever was bound went with the exclusive queue, and what is released is not re-bound.
        if (!wanted) return this.forget(key, subscription);
        throw error;
      }
      const model = this.slot.model;
      if (wanted && subscription.boundOn === model) return;
      // A binding made on an earlier connection went with its exclusive queue.
      if (!wanted && subscription.boundOn !== model) return this.forget(key, subscription);
      try {
        if (wanted) {
          await channel.bindQueue(target.queue, target.spec.exchange, routingKey);
          subscription.boundOn = model;
          return;
        }
        await channel.unbindQueue(target.queue, target.spec.exchange, routingKey);
        subscription.boundOn = undefined;
        return this.forget(key, subscription);
      } catch (error) {
        if (this.closed) throw new ConnectionClosedError(operation);
        // The connection went away under the step: the next connection's set-up re-binds what is held; look again there.
        if (!isBrokerRefusal(error) && this.deps.consuming.current !== model) continue;
        this.deps.logger.warn(
          { consumer: target.spec.name, routingKey, err: describeError(error) },
          `the broker refused to ${wanted ? 'bind' : 'unbind'} a subscription`,
        );
        throw error;
      }
    }
  }

  private forget(key: string, subscription: Subscription): void {
    if (this.subscriptions.get(key) !== subscription || subscription.holds.length > 0) return;
    this.subscriptions.delete(key);
    this.active.dec({ service: this.deps.service, operation: subscription.target.spec.name });
  }
}

/** A channel-level refusal (403 access refused, 404 no exchange...): the same request would be refused again. */
function isBrokerRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && code >= 400 && code < 600;
}

function activeGauge(registry: Registry): Gauge<'service' | 'operation'> {
  const name = 'messaging_subscriptions_active';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge<'service' | 'operation'>;
  return new Gauge({
    name,
    help: 'Routing keys a per-subscription consumer is bound to',
    labelNames: ['service', 'operation'],
    registers: [registry],
  });
}
