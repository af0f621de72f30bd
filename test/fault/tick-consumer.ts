/**
 * The counter as a process of its own (`node --import tsx test/fault/tick-consumer.ts`), for the
 * killed-consumer fault test: consumes ticks from `RABBITMQ_URL` and prints one JSON line per tick
 * it handled (`{"seq":12,"redelivered":false}`) before its handler returns, so a printed tick was
 * processed whether or not its ack reached the broker. With `STALL_AT_SEQ`, the handler of that tick
 * never returns: the tick stays in flight for as long as the process lives.
 */
import { connectCounter } from './tick-services.js';

export interface HandledTickLine {
  seq: number;
  redelivered: boolean;
}

const stallAt = process.env.STALL_AT_SEQ === undefined ? undefined : Number(process.env.STALL_AT_SEQ);

await connectCounter(async (tick, context) => {
  if (tick.seq === stallAt) await new Promise<never>(() => undefined);
  const line: HandledTickLine = { seq: tick.seq, redelivered: context.redelivered };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}, {});
