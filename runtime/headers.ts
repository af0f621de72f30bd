/** Header names the runtime writes on retried, dead-lettered and RPC error messages. */
export const Header = {
  /** The attempt number the message will be delivered as next (absent: 1). */
  attempt: 'x-attempt',
  lastError: 'x-last-error',
  /** Where the message was first published; after a retry the delivery itself shows the retry route. */
  originalExchange: 'x-original-exchange',
  originalRoutingKey: 'x-original-routing-key',
  /** The `user_id` the message was first published with (absent: none); only believed on our own re-entry path. */
  originalUserId: 'x-original-user-id',
  originalQueue: 'x-original-queue',
  deadLetterReason: 'x-dead-letter-reason',
  error: 'x-error',
  attempts: 'x-attempts',
  deadLetteredBy: 'x-dead-lettered-by',
  deadLetteredAt: 'x-dead-lettered-at',
  rpcError: 'x-rpc-error',
  /** Headers dropped because the republished message's header table would not encode, e.g. `big (70012 bytes)`. */
  trimmedHeaders: 'x-trimmed-headers',
} as const;

const OUR_HEADERS: ReadonlySet<string> = new Set(Object.values(Header));

/** Whether `name` is one of the runtime's own headers. */
export function isRuntimeHeader(name: string): boolean {
  return OUR_HEADERS.has(name);
}

/** What the consumer adds when it dead-letters a message (beside the original exchange and routing key it always carries). */
export const DEAD_LETTER_HEADERS = [
  Header.deadLetterReason,
  Header.error,
  Header.attempts,
  Header.originalQueue,
  Header.deadLetteredBy,
  Header.deadLetteredAt,
] as const;

/** What the consumer writes when it dead-letters: a value for each of `DEAD_LETTER_HEADERS`, and nothing unlisted. */
export type DeadLetterHeaders = Record<(typeof DEAD_LETTER_HEADERS)[number], unknown>;

export type DeadLetterReason =
  | 'handler_failed'
  | 'malformed_json'
  | 'schema_invalid'
  | 'no_handler'
  | 'too_large'
  | 'undecodable_headers'
  | 'unauthorized_origin';

/** Headers the broker adds when it dead-letters; dropped when we republish, our own headers count attempts. */
const BROKER_DEATH_HEADERS = [
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
  'x-last-death-exchange',
  'x-last-death-queue',
  'x-last-death-reason',
];

export function withoutBrokerDeathHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...headers };
  for (const name of BROKER_DEATH_HEADERS) delete copy[name];
  return copy;
}
