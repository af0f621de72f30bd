/**
 * Owns one AMQP connection of the process, named `<service>@<instance>/<role>` (a service has two:
 * `publish` and `consume`, see service.ts): connects with back-off at start-up (bounded by
 * `connectTimeoutMs`), and after a loss reconnects with back-off for as long as it takes, running
 * `setup` (topology, channels, consumers) on every fresh connection before anyone may use it. Each
 * connection recovers on its own. A resource alarm that blocks it is logged and reported through
 * `onBlocked`.
 *
 * We run this loop ourselves rather than use amqplib 2.x's `recovery` option: that option bounds
 * start-up by a number of attempts, not by time; it retries a failing `setup` forever, so a topology
 * conflict at start-up would never reach the caller as an error; and it recovers only the
 * connection, so channel-level losses need their own handling anyway (see `managed-channel.ts`).
 */
import { connect, type ChannelModel } from 'amqplib';
import { coalesceWrites } from './coalesced-writes.js';
import { guardHeaderFrames } from './header-frame-guard.js';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { EndpointRotation } from './endpoints.js';
import type { RuntimeConfig } from './config.js';
import { backoffDelay, sleep } from './backoff.js';
import {
  ConfigError,
  ConnectTimeoutError,
  CredentialsRefusedError,
  TlsVerificationError,
  TopologyConflictError,
  VhostRefusedError,
  describeError,
} from './errors.js';
import { brokerRefusal } from './broker-refusal.js';
import { tlsFailureReason } from './tls.js';

export type ConnectionSetup = (model: ChannelModel) => Promise<void>;

export interface ConnectionRole {
  /** What the connection is for, appended to its name: `publish`, `consume`. */
  role: string;
  setup: ConnectionSetup;
  /** The broker blocked (true) or unblocked (false) this connection; a lost connection counts as unblocked. */
  onBlocked?(blocked: boolean): void;
}

export class ConnectionManager {
  /** `<service>@<instance>/<role>`: the name the management UI shows (`connection_name`). */
  readonly name: string;
  private readonly logger: Logger;
  private readonly setup: ConnectionSetup;
  private model: ChannelModel | undefined;
  private stopped = false;
  private reconnecting = false;
  private readonly endpoints: EndpointRotation;

  constructor(
    private readonly config: RuntimeConfig,
    logger: Logger,
    private readonly role: ConnectionRole,
    registry: Registry = new Registry(),
  ) {
    this.name = `${config.connectionName}/${role.role}`;
    this.logger = logger.child({ connection: this.name });
    this.setup = role.setup;
    this.endpoints = new EndpointRotation(config.endpoints, config.instanceId, this.name, registry);
  }

  get current(): ChannelModel | undefined {
    return this.model;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async start(): Promise<void> {
    const deadline = Date.now() + this.config.connectTimeoutMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.open();
        this.logger.info(
          { url: this.endpoints.current?.displayUrl, node: this.endpoints.current?.node },
          'connected to broker',
        );
        return;
      } catch (error) {
        if (isFinal(error) || this.stopped) throw error;
        const delay = backoffDelay(attempt);
        if (Date.now() + delay > deadline) {
          throw new ConnectTimeoutError(this.config.displayUrl, this.config.connectTimeoutMs, error);
        }
        this.logger.warn(
          { url: this.config.displayUrl, attempt, retryInMs: delay, err: describeError(error) },
          'broker not reachable yet, retrying',
        );
        await sleep(delay);
      }
    }
  }

  /** Drops the current connection so that everything is rebuilt on a fresh one. */
  recycle(reason: string): void {
    const model = this.model;
    if (!model || this.stopped) return;
    this.logger.warn({ reason }, 'recycling the broker connection');
    model.close().catch(() => this.onClose(model, new Error(reason)));
  }

  async close(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const model = this.model;
    this.model = undefined;
    this.endpoints.markLost();
    if (model)
      await model
        .close()
        .catch((error: unknown) => this.logger.debug({ err: describeError(error) }, 'closing the connection failed'));
    this.logger.info('connection closed');
  }

  private async open(): Promise<void> {
    const { endpoint, connection: model } = await this.endpoints.connect((endpoint) =>
      connect(endpoint.url, { ...endpoint.socketOptions, clientProperties: { connection_name: this.name } }).catch(
        (error: unknown) => {
          const tlsFailure = tlsFailureReason(error);
          throw tlsFailure
            ? new TlsVerificationError(endpoint.displayUrl, tlsFailure, error)
            : (brokerRefusal(endpoint.url, endpoint.displayUrl, error) ?? error);
        },
      ),
    );
    try {
      guardHeaderFrames(model);
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    if (!coalesceWrites(model))
      this.logger.debug('amqplib has no socket where expected: frames are written one system call each');
    let alive = true;
    model.on('error', (error: Error) => this.logger.warn({ err: error.message }, 'connection error'));
    let blocked = false;
    const setBlocked = (now: boolean): void => {
      if (blocked === now) return;
      blocked = now;
      this.role.onBlocked?.(now);
    };
    model.on('close', (error?: Error) => {
      alive = false;
      setBlocked(false);
      this.onClose(model, error);
    });
    // During a resource alarm the broker blocks a connection at its first publish and reads nothing more from it until the alarm clears.
    model.on('blocked', (reason: string) => {
      this.logger.warn(
        { reason },
        'broker blocked this connection (resource alarm): its publishes wait until the alarm clears',
      );
      setBlocked(true);
    });
    model.on('unblocked', () => {
      this.logger.info('broker unblocked this connection');
      setBlocked(false);
    });
    try {
      await this.setup(model);
    } catch (error) {
      await model.close().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await model.close().catch(() => undefined);
      return;
    }
    // onClose ignores a connection that is not current yet, and setup may have finished without noticing its loss.
    if (!alive) throw new Error('the connection closed during setup');
    this.model = model;
    this.endpoints.markConnected(endpoint);
  }

  private onClose(model: ChannelModel, error: Error | undefined): void {
    if (this.model !== model || this.stopped) return;
    this.model = undefined;
    this.logger.warn(
      { node: this.endpoints.current?.node, err: error?.message ?? 'closed by the broker' },
      'connection lost, reconnecting',
    );
    this.endpoints.markLost();
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.reconnecting) return;
    this.reconnecting = true;
    try {
      for (let attempt = 1; !this.stopped; attempt++) {
        await sleep(backoffDelay(attempt));
        if (this.stopped) return;
        try {
          await this.open();
          this.logger.info(
            { url: this.endpoints.current?.displayUrl, node: this.endpoints.current?.node, attempts: attempt },
            'reconnected to broker',
          );
          return;
        } catch (error) {
          this.logger.warn(
            { url: this.config.displayUrl, attempt, err: describeError(error) },
            'reconnect failed, retrying',
          );
        }
      }
    } finally {
      this.reconnecting = false;
    }
  }
}

/** Errors that the same attempt would meet again: reported at once, not retried until the connect timeout. */
function isFinal(error: unknown): boolean {
  return (
    error instanceof TopologyConflictError ||
    error instanceof ConfigError ||
    error instanceof TlsVerificationError ||
    error instanceof CredentialsRefusedError ||
    error instanceof VhostRefusedError
  );
}
