/**
 * What the fault tests run through the runtime: a `ticker` service publishes numbered ticks (and
 * calls an echo RPC), a `counter` service consumes them (and serves the echo). Messages are
 * persistent and queues durable, so a cut connection or a broker restart may duplicate a tick
 * but must never lose one. Also: a stream publisher that can pause at chosen points, and a
 * counter that tells lost ticks from duplicated ones.
 */
import {
  connectService,
  type ConnectOptions,
  type ConsumeContext,
  type RpcSpec,
  type ServiceConnection,
  type ServiceDefinition,
} from '../../runtime/index.js';
import { plainDurableQueue, testLogger, validator } from '../support/definitions.js';

export const TICKS_QUEUE = 'fault.ticks';
export const TICKS_DEAD_LETTER_QUEUE = 'fault.ticks.dead-letter';
export const ECHO_QUEUE = 'fault.echo';
const EXCHANGE = 'fault.events';
const ROUTING_KEY = 'tick';

export interface Tick {
  seq: number;
}

const tickSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['seq'],
  properties: { seq: { type: 'integer', minimum: 0 } },
};

const echoRpc: RpcSpec = {
  name: 'echo',
  queue: ECHO_QUEUE,
  requestMessage: 'Tick',
  replyMessage: 'Tick',
  validateRequest: validator(tickSchema),
  validateReply: validator(tickSchema),
};

const exchange = { name: EXCHANGE, type: 'topic', durable: true, autoDelete: false } as const;

function tickerDefinition(): ServiceDefinition {
  return {
    service: 'ticker',
    topology: { exchanges: [exchange], queues: [], bindings: [] },
    publishers: [
      {
        name: 'tick',
        message: 'Tick',
        exchange: EXCHANGE,
        routingKey: ROUTING_KEY,
        parameters: [],
        mandatory: true,
        persistent: true,
        validate: validator(tickSchema),
      },
    ],
    consumers: [],
    rpcClients: [echoRpc],
    rpcServers: [],
  };
}

function counterDefinition(): ServiceDefinition {
  return {
    service: 'counter',
    topology: {
      exchanges: [exchange],
      queues: [
        plainDurableQueue(TICKS_QUEUE, 'consumer'),
        plainDurableQueue(TICKS_DEAD_LETTER_QUEUE, 'dead-letter'),
        plainDurableQueue(ECHO_QUEUE, 'rpc'),
      ],
      bindings: [{ exchange: EXCHANGE, queue: TICKS_QUEUE, pattern: ROUTING_KEY }],
    },
    publishers: [],
    consumers: [
      {
        name: 'onTick',
        message: 'Tick',
        exchange: EXCHANGE,
        routingKey: ROUTING_KEY,
        parameters: [],
        queue: TICKS_QUEUE,
        validate: validator(tickSchema),
        retry: { maxAttempts: 1, delayQueues: [] },
        deadLetterQueue: TICKS_DEAD_LETTER_QUEUE,
        prefetch: 100,
      },
    ],
    rpcClients: [],
    rpcServers: [echoRpc],
  };
}

/** What the counter does with each tick it is handed. */
export type TickHandler = (tick: Tick, context: ConsumeContext) => void | Promise<void>;

/** How the counter answers an echo request (by default at once, with the request). */
export type EchoHandler = (request: Tick) => Tick | Promise<Tick>;

const echoAtOnce: EchoHandler = (request) => request;

/** Connects the counter (consuming ticks with `onTick`, serving the echo) and the ticker. */
export async function connectTickServices(
  onTick: TickHandler,
  options: ConnectOptions,
): Promise<{ ticker: ServiceConnection; counterService: ServiceConnection }> {
  const counterService = await connectCounter(onTick, options);
  const ticker = await connectTicker(options);
  return { ticker, counterService };
}

/** The counter alone: declares the tick queues, consumes ticks with `onTick`, serves the echo. */
export function connectCounter(onTick: TickHandler, options: ConnectOptions): Promise<ServiceConnection> {
  return connectService(counterDefinition(), counterHandlers(onTick), { logger: testLogger(), ...options });
}

/** Both in one service (`ticker-counter`): it publishes ticks and consumes them, calls the echo and serves it. */
export function connectTickerCounter(
  onTick: TickHandler,
  options: ConnectOptions,
  echo = echoAtOnce,
): Promise<ServiceConnection> {
  const { publishers, rpcClients } = tickerDefinition();
  return connectService(
    { ...counterDefinition(), service: 'ticker-counter', publishers, rpcClients },
    counterHandlers(onTick, echo),
    { logger: testLogger(), ...options },
  );
}

function counterHandlers(
  onTick: TickHandler,
  echo = echoAtOnce,
): { consumers: Record<string, never>; rpcServers: Record<string, never> } {
  return { consumers: { onTick: onTick as never }, rpcServers: { echo: echo as never } };
}

/** The ticker alone: publishes ticks (the counter must have declared their queue). */
export function connectTicker(options: ConnectOptions): Promise<ServiceConnection> {
  return connectService(tickerDefinition(), { consumers: {}, rpcServers: {} }, { logger: testLogger(), ...options });
}

export interface TickStream {
  total: number;
  /** Publishes kept in flight at once (each lane awaits its confirm before its next tick). */
  inFlight: number;
  /**
   * Faults to inject mid-stream: when the next tick is a key, its function runs once and no tick
   * is started until it resolves (ticks before it may still await their confirms).
   */
  interruptions: Map<number, () => Promise<void>>;
}

/** Publishes ticks 0 .. total-1 through the ticker; resolves once all are confirmed. */
export function publishTicks(ticker: ServiceConnection, stream: TickStream): Promise<void> {
  return publishStream((seq) => ticker.publish('tick', {}, { seq } satisfies Tick), stream);
}

/** Sends 0 .. total-1 with `send` (which resolves once the message is confirmed), pausing at the stream's interruptions. */
export async function publishStream(send: (seq: number) => Promise<void>, stream: TickStream): Promise<void> {
  let next = 0;
  const passed = new Set<number>();
  const underway = new Map<number, Promise<void>>();
  const pauseAt = (seq: number): Promise<void> | undefined => {
    const interruption = stream.interruptions.get(seq);
    if (!interruption || passed.has(seq)) return undefined;
    let pause = underway.get(seq);
    if (!pause) {
      pause = interruption().then(() => {
        passed.add(seq);
      });
      underway.set(seq, pause);
    }
    return pause;
  };
  const lane = async (): Promise<void> => {
    while (next < stream.total) {
      const pause = pauseAt(next);
      if (pause) {
        await pause;
        continue;
      }
      await send(next++);
    }
  };
  await Promise.all(Array.from({ length: stream.inFlight }, lane));
}

/** Counts deliveries per tick: what was lost, what was duplicated, and how often the broker said so. */
export class DeliveryCounter {
  private readonly deliveriesBySeq = new Map<number, number>();
  private deliveries = 0;
  private redeliveries = 0;

  record(seq: number, redelivered: boolean): void {
    this.deliveriesBySeq.set(seq, (this.deliveriesBySeq.get(seq) ?? 0) + 1);
    this.deliveries += 1;
    if (redelivered) this.redeliveries += 1;
  }

  get distinct(): number {
    return this.deliveriesBySeq.size;
  }

  /** Ticks of 0 .. total-1 never delivered. */
  missing(total: number): number[] {
    return Array.from({ length: total }, (_, seq) => seq).filter((seq) => !this.deliveriesBySeq.has(seq));
  }

  /** One line for the test log: duplicates are allowed (at-least-once), losses are not. */
  report(label: string, total: number): string {
    const duplicates = this.deliveries - this.distinct;
    return (
      `[fault] ${label}: ${total} published, ${this.distinct} distinct consumed, ${this.missing(total).length} lost, ` +
      `${duplicates} duplicate deliveries (${this.redeliveries} deliveries flagged redelivered by the broker)`
    );
  }
}
