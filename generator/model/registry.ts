import { jsonEqual } from './json.js';
import type { JsonPath, Problems } from './problem.js';

/**
 * Broker objects by name. Declaring a name again is fine when every setting is identical (the
 * broker accepts an identical redeclaration); anything else would fail at run time with
 * 406 PRECONDITION_FAILED, so it is reported here.
 */
export class NamedRegistry<T extends { name: string }> {
  private readonly byName = new Map<string, { item: T; origin: string }>();

  constructor(
    private readonly kind: 'queue' | 'exchange',
    private readonly problems: Problems,
  ) {}

  /** `origin` says in words where the declaration comes from, e.g. `operation "consumeUserCreated"`. */
  declare(item: T, path: JsonPath, origin: string): void {
    const known = this.byName.get(item.name);
    if (known === undefined) {
      this.byName.set(item.name, { item, origin });
      return;
    }
    const keys = [...new Set([...Object.keys(known.item), ...Object.keys(item)])] as (keyof T)[];
    const differences = keys.filter((key) => !jsonEqual(item[key], known.item[key]));
    if (differences.length === 0) return;
    const details = differences
      .map((key) => `${String(key)} ${show(item[key])} here, ${show(known.item[key])} in ${known.origin}`)
      .join('; ');
    this.problems.add(
      path,
      `${this.kind}-conflict`,
      `${this.kind} "${item.name}" is declared twice with different settings: ${details}`,
      `every declaration of a ${this.kind} must be identical (RabbitMQ refuses a redeclaration that differs): make them agree, or use another name`,
    );
  }

  list(): T[] {
    return [...this.byName.values()].map((entry) => entry.item);
  }
}

function show(value: unknown): string {
  return value === undefined ? 'none' : JSON.stringify(value);
}
