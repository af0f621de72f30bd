/**
 * One long-lived channel of a given job (publishing, consuming, RPC). It is opened and set up on
 * every fresh connection; if the broker closes just this channel (a channel-level error), it is
 * reopened on the same connection. Callers that find no channel wait for one, bounded in number
 * and time, which is how operations ride out an outage.
 */
import type { Channel, ChannelModel } from 'amqplib';
import type { Logger } from 'pino';
import type { ConnectionManager } from './connection.js';
import { backoffDelay, sleep } from './backoff.js';
import { ConnectionClosedError, ConnectionUnavailableError, OutageBufferFullError, describeError } from './errors.js';

interface Waiter<C> {
  resolve(channel: C): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export interface ChannelJob<C extends Channel> {
  name: string;
  open(model: ChannelModel): Promise<C>;
  /** Runs on every new channel before anyone may use it (listeners, prefetch, consumers). */
  setup(channel: C): Promise<void>;
  /** The channel is usable (set as `channel`). */
  onReady?(channel: C): void;
  /** The channel is gone (its in-flight work with it). */
  onLost?(channel: C): void;
}

export class ManagedChannel<C extends Channel> {
  /** The usable channel, or undefined while there is none. Read directly on hot paths. */
  channel: C | undefined;
  /** The connection `channel` is on, set and cleared with it. */
  model: ChannelModel | undefined;
  private readonly waiters = new Set<Waiter<C>>();
  private closed = false;

  constructor(
    private readonly job: ChannelJob<C>,
    private readonly connection: ConnectionManager,
    private readonly logger: Logger,
    private readonly waiterLimit: number,
  ) {}

  async attach(model: ChannelModel): Promise<void> {
    const channel = await this.job.open(model);
    channel.on('error', (error: Error) =>
      this.logger.warn({ channel: this.job.name, err: error.message }, 'channel error'),
    );
    channel.on('close', () => this.onClose(model, channel));
    try {
      // close() may run while the channel opens or is set up, and cannot know of it yet.
      if (this.closed) throw new ConnectionClosedError(this.job.name);
      await this.job.setup(channel);
      if (this.closed) throw new ConnectionClosedError(this.job.name);
    } catch (error) {
      await channel.close().catch(() => undefined);
      throw error;
    }
    this.model = model;
    this.channel = channel;
    this.job.onReady?.(channel);
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(channel);
    }
    this.waiters.clear();
  }

  /** The channel now, or once there is one again (one other than `replacing`, when given: a channel being renewed); rejects after `timeoutMs`. */
  acquire(operation: string, timeoutMs: number, replacing?: C): Promise<C> {
    if (this.channel && this.channel !== replacing) return Promise.resolve(this.channel);
    if (this.closed) return Promise.reject(new ConnectionClosedError(operation));
    if (this.waiters.size >= this.waiterLimit)
      return Promise.reject(new OutageBufferFullError(operation, this.waiterLimit));
    return new Promise<C>((resolve, reject) => {
      const waiter: Waiter<C> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(new ConnectionUnavailableError(operation, timeoutMs));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** Closes `channel` if it is still the current one, so that a fresh channel replaces it. */
  renew(channel: C, reason: string): void {
    if (this.channel !== channel || this.closed) return;
    this.logger.warn({ channel: this.job.name, reason }, 'replacing the channel');
    channel.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new ConnectionClosedError(this.job.name));
    }
    this.waiters.clear();
    const channel = this.channel;
    this.channel = undefined;
    this.model = undefined;
    if (channel) await channel.close().catch(() => undefined);
  }

  private onClose(model: ChannelModel, channel: C): void {
    if (this.channel !== channel) return;
    this.channel = undefined;
    this.model = undefined;
    this.job.onLost?.(channel);
    if (!this.closed) void this.reopen(model);
  }

  /** Reopens after a channel-level close; a connection loss is the connection manager's to handle. */
  private async reopen(model: ChannelModel): Promise<void> {
    for (let attempt = 1; attempt <= 5; attempt++) {
      await sleep(backoffDelay(attempt));
      if (this.closed || this.connection.current !== model) return;
      try {
        await this.attach(model);
        this.logger.info({ channel: this.job.name }, 'channel reopened');
        return;
      } catch (error) {
        this.logger.warn({ channel: this.job.name, attempt, err: describeError(error) }, 'reopening channel failed');
      }
    }
    this.connection.recycle(`channel ${this.job.name} could not be reopened`);
  }
}
