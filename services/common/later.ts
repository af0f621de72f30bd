/**
 * A value that exists only later, for handlers that need the bus: consumers may receive messages
 * while `connect()` is still running, before the bus they would publish with has been returned.
 */
export interface Later<T> {
  readonly value: Promise<T>;
  set(value: T): void;
}

export function later<T>(): Later<T> {
  let set!: (value: T) => void;
  const value = new Promise<T>((resolve) => {
    set = resolve;
  });
  return { value, set };
}
