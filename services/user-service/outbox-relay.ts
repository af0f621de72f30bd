/**
 * Publishes outbox entries in order, each removed only once the broker confirmed it. A failed
 * publish (broker down, no queue bound yet) is retried with back-off; later entries wait behind
 * it, so consumers see a user's events in the order they happened. At least once: a crash between
 * the confirm and the removal publishes the entry again, with the same message id. An entry the
 * contract now refuses (its schema changed since it was written) can never be published: it is set
 * aside with the reason instead of blocking every event behind it.
 */
import type { Logger } from 'pino';
import { describeError, MessageEncodeError, MessageTooLargeError, ValidationError } from '../../runtime/index.js';
import type { Outbox, OutboxEntry } from './outbox.js';

export type PublishEntry = (entry: OutboxEntry) => Promise<void>;

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

export class OutboxRelay {
  private draining: Promise<void> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly publish: PublishEntry,
    private readonly logger: Logger,
  ) {}

  /** Something was written: publish it now (unless a retry is already scheduled). */
  kick(): void {
    if (this.stopped || this.retryTimer) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Lets the publish in flight finish; what is left stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.draining;
    const left = this.outbox.size;
    if (left > 0)
      this.logger.warn({ unpublished: left }, 'events left in the outbox; they are published after the next start');
  }

  private async drain(): Promise<void> {
    for (let entry = this.outbox.peek(); entry && !this.stopped; entry = this.outbox.peek()) {
      try {
        await this.publish(entry);
      } catch (error) {
        if (neverPublishable(error)) {
          this.logger.error(
            { event: entry.event, messageId: entry.messageId, err: error.message },
            'outbox entry can never be published (it no longer fits the contract, or is too large to send): set aside in outbox_rejected',
          );
          this.outbox.setAside(entry.seq, error.message);
          continue;
        }
        this.scheduleRetry(entry, error);
        return;
      }
      this.outbox.remove(entry.seq);
      this.failures = 0;
    }
  }

  private scheduleRetry(entry: OutboxEntry, error: unknown): void {
    this.failures += 1;
    const delayMs = Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), MAX_RETRY_MS);
    this.logger.warn(
      { event: entry.event, messageId: entry.messageId, retryInMs: delayMs, err: describeError(error) },
      'publishing from the outbox failed; retrying',
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.kick();
    }, delayMs);
  }
}

/** Failures that retrying cannot cure: left at the head, such an entry would hold back every event behind it. */
function neverPublishable(error: unknown): error is Error {
  return (
    error instanceof ValidationError || error instanceof MessageTooLargeError || error instanceof MessageEncodeError
  );
}
