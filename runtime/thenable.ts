/**
 * Calling a handler that may or may not return a promise. A handler that returns its result (or
 * throws) is settled synchronously, with no promise made for it: on the per-message paths that
 * saves a promise chain a message. A handler that returns a promise (or any thenable) is settled
 * when it does.
 */
export function settle<R>(
  call: () => unknown,
  onValue: (value: unknown) => R,
  onError: (error: unknown) => R,
): R | Promise<Awaited<R>> {
  let outcome: unknown;
  try {
    outcome = call();
  } catch (error) {
    return onError(error);
  }
  // A callback that returns a promise is flattened by `then`: hence `Awaited`.
  return isThenable(outcome)
    ? (Promise.resolve(outcome).then(onValue, onError) as Promise<Awaited<R>>)
    : onValue(outcome);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null | undefined)?.then === 'function';
}
