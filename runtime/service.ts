/**
 * `openService`: wires one service's definition onto two broker connections, as
 * RabbitMQ recommends. During a memory or disk alarm the broker blocks every connection that
 * publishes and stops reading from it, acks included; so nothing that publishes shares a connection
 * with consuming:
 *
 * - `<service>@<instance>/publish`: event publishes, retries and dead-letter republishes (the
 *   confirm channel), RPC requests and their direct reply-to consumer (one channel: the broker
 *   requires both on the same one), RPC server replies.
 * - `<service>@<instance>/consume`: topology declaration (per-instance queues are exclusive to this
 *   connection), event consumers and RPC servers, and their acks. It never publishes, so consuming
 *   goes on during an alarm.
 */
import type { ChannelModel } from 'amqplib';
import type { ConnectOptions, OpenService, ServiceConnection, ServiceHandlers } from './api.js';
import type { ServiceDefinition } from './definition.js';
import { resolveConfig } from './config.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics.js';
import { ConnectionManager } from './connection.js';
import { QueueNames, declareTopology, redeclareQueue } from './topology.js';
import { ConfirmPublisher } from './confirm-publisher.js';
import { EventPublisher } from './publisher.js';
import { InboundChannel } from './inbound.js';
import { eventConsumerQueues } from './consumer.js';
import { RpcReplyChannel, rpcServerQueues } from './rpc-server.js';
import { RpcClient } from './rpc-client.js';
import { OriginJudge, identityOfUser } from './origin.js';
import { ConfigError, ConnectionClosedError } from './errors.js';
import { composedObservers } from './observer.js';
import { MetricsObserver } from './metrics-observer.js';
import { SubscriptionManager } from './subscriptions.js';

export const openService: OpenService = async (definition, options = {}) => {
  const { service } = definition;
  const config = resolveConfig(service, options);
  const logger = createLogger(service, config.instanceId, options.logger);
  const metrics = new Metrics(options.registry);
  const observers = composedObservers((operation) => new MetricsObserver(metrics, operation), options.observer, logger);
  const names = new QueueNames(definition.topology, config.instanceId);
  const origins = new OriginJudge(identityOfUser(config.user, service), definition.services ?? []);
  if (origins.identity.servicePrefix === undefined) {
    const user =
      origins.identity.user === undefined
        ? 'the broker default user (the URL names none)'
        : `broker user "${origins.identity.user}"`;
    logger.info(
      { user: origins.identity.user },
      `${user} is not a service identity (<prefix>${service}): consumers cannot verify what this service publishes, and it cannot tell other services apart (see docs/security.md, "Message origins")`,
    );
  }

  const connectionFor = (
    role: 'publish' | 'consume',
    setup: (model: ChannelModel) => Promise<void>,
  ): ConnectionManager => {
    const blocked = metrics.connectionBlocked.labels(service, role);
    blocked.set(0);
    return new ConnectionManager(
      config,
      logger,
      { role, setup, onBlocked: (now) => blocked.set(now ? 1 : 0) },
      metrics.registry,
    );
  };

  const publishing = connectionFor('publish', (model) => setupPublishing(model));
  const consuming = connectionFor('consume', (model) => setupConsuming(model));
  const sender = new ConfirmPublisher(publishing, logger, config.outageBufferLimit);
  const publisher = new EventPublisher(
    service,
    definition.publishers,
    sender,
    config.publishTimeoutMs,
    config.maxMessageBytes,
    origins.identity.user,
    observers,
  );
  const rpcClient = new RpcClient(
    service,
    definition.rpcClients,
    publishing,
    logger,
    config.rpcTimeoutMs,
    config.outageBufferLimit,
    config.maxMessageBytes,
    origins.identity.user,
    observers,
  );
  const replies = new RpcReplyChannel(publishing, logger, config.outageBufferLimit);
  const subscriptions = new SubscriptionManager(definition.consumers, {
    service,
    names,
    consuming,
    logger,
    registry: metrics.registry,
    timeoutMs: config.publishTimeoutMs,
    waiterLimit: config.outageBufferLimit,
  });

  let closing: Promise<void> | undefined;
  // Handlers still running during close() may publish and call; only after them is the bus shut.
  let shut = false;
  async function close(): Promise<void> {
    const deadline = Date.now() + config.shutdownTimeoutMs;
    const remaining = () => Math.max(0, deadline - Date.now());
    logger.info('closing: no new deliveries, waiting for work in flight');
    if (inbound && !(await inbound.stop(remaining())))
      logger.warn('handlers still running at the shutdown deadline; their messages will be redelivered');
    shut = true;
    if (!(await sender.waitForIdle(remaining()))) logger.warn('publishes still unconfirmed at the shutdown deadline');
    // The consume connection never publishes, so its channel closes promptly even during an alarm, its last acks with it.
    await Promise.all([inbound?.slot.close(), subscriptions.close()]);
    // A channel on a blocked publish connection never gets the broker's close-ok: bounded, then the connection is closed under it.
    if (!(await settlesWithin(Promise.all([rpcClient.close(), replies.slot.close(), sender.close()]), remaining()))) {
      logger.warn(
        'publish channels still closing at the shutdown deadline (is the broker blocking the connection?); closing the connection',
      );
    }
    await Promise.all([consuming.close(), publishing.close()]);
  }

  // Set by start(): consuming begins once the service has handlers, on the connection that declared the topology.
  let inbound: InboundChannel | undefined;
  let declaredOn: ChannelModel | undefined;
  function inboundFor(handlers: ServiceHandlers): InboundChannel {
    return new InboundChannel(
      [
        ...eventConsumerQueues(definition.consumers, handlers.consumers, {
          service,
          names,
          prefetchOverride: config.prefetchOverride,
          sender,
          metrics,
          logger,
          publishTimeoutMs: config.publishTimeoutMs,
          maxMessageBytes: config.maxMessageBytes,
          origins,
          observers,
          restoreQueue: async (queue) => {
            // The publish channel's connection: the one the republish that found the queue missing went out on.
            const model = sender.slot.model;
            return model !== undefined && (await redeclareQueue(model, definition.topology, names, queue));
          },
        }),
        ...rpcServerQueues(definition.rpcServers, handlers.rpcServers, {
          service,
          origins,
          prefetchOverride: config.prefetchOverride,
          metrics,
          logger,
          maxMessageBytes: config.maxMessageBytes,
          replies,
          replyTimeoutMs: config.publishTimeoutMs,
          observers,
        }),
      ],
      consuming,
      logger,
      config.outageBufferLimit,
    );
  }

  async function start(handlers: ServiceHandlers): Promise<void> {
    if (closing) throw new ConnectionClosedError(`start ${service}`);
    if (inbound) throw new ConfigError(`${service} has started consuming already: start() takes the handlers once`);
    const started = inboundFor(handlers);
    inbound = started;
    // The connection whose setup has declared the topology (it may not be `consuming.current` yet); a later setup attaches the consumers itself.
    const model = declaredOn;
    if (!model) return;
    try {
      await started.slot.attach(model);
    } catch (error) {
      // Lost while attaching: the replacement connection's setup attaches them.
      if (consuming.current !== model) return;
      // Nothing consumes and nothing was handled (the channel closed with the failure): start() may be called again.
      inbound = undefined;
      await started.slot.close();
      throw error;
    }
  }

  const bus: ServiceConnection = {
    publish: (name, params, payload, publishOptions) =>
      shut
        ? Promise.reject(new ConnectionClosedError(`publish ${name}`))
        : publisher.publish(name, params, payload, publishOptions),
    call: (name, request, callOptions) =>
      shut ? Promise.reject(new ConnectionClosedError(`RPC ${name}`)) : rpcClient.call(name, request, callOptions),
    start,
    subscribe: (name, params) => subscriptions.subscribe(name, params),
    unsubscribe: (name, params) => subscriptions.unsubscribe(name, params),
    onResubscribed: (name, listener) => subscriptions.onResubscribed(name, listener),
    close: () => (closing ??= close()),
    metrics: metrics.registry,
    instanceId: config.instanceId,
  };

  async function setupPublishing(model: ChannelModel): Promise<void> {
    await sender.slot.attach(model);
    if (definition.rpcServers.length > 0) await replies.slot.attach(model);
    if (definition.rpcClients.length > 0) await rpcClient.slot.attach(model);
  }

  async function setupConsuming(model: ChannelModel): Promise<void> {
    await declareTopology(model, definition.topology, names);
    // Bound before consuming starts on the new queue (its listeners told), and before subscribe may use the new connection.
    await subscriptions.bindAll(model);
    declaredOn = model;
    if (inbound) await inbound.slot.attach(model);
    await subscriptions.slot.attach(model);
  }

  // Publishing first: deliveries may need it (retries, dead letters, replies) the moment consuming starts.
  // The consume connection declares the topology now, so that publishing works before start().
  await publishing.start();
  try {
    await consuming.start();
  } catch (error) {
    await publishing.close();
    throw error;
  }
  return bus;
};

/** Opens the service and starts consuming with `handlers` at once: for tests and tools that build a definition by hand. */
export async function connectService(
  definition: ServiceDefinition,
  handlers: ServiceHandlers,
  options?: ConnectOptions,
): Promise<ServiceConnection> {
  const connection = await openService(definition, options);
  try {
    await connection.start(handlers);
  } catch (error) {
    await connection.close();
    throw error;
  }
  return connection;
}

/** True once `work` settled, false if `timeoutMs` passed first. */
async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, false);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
