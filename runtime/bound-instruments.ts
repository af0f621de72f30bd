/**
 * Counters and histograms for the per-message paths, registered in a prom-client `Registry` beside
 * any other metric and exposed by it in the same format.
 *
 * Why not prom-client's own: its `Counter` and `Histogram` validate and hash the label set on every
 * `inc`/`observe`, even through a child from `labels()`: about 1 µs a message, a sixth of what a
 * consumed event costs the runtime (bench/, `npm run bench`). Here the labels are bound once, so
 * recording is a few additions, and the samples are built only when the registry is scraped.
 */
import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;

interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/** What a prom-client `Registry` reads from each metric it holds (see `Registry#getMetricsAsString`). */
interface RegistryEntry {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; aggregator: 'sum'; values: Sample[] }>;
  reset(): void;
}

abstract class InstrumentFamily<Child extends { readonly labels: Labels; reset(): void }> implements RegistryEntry {
  readonly aggregator = 'sum' as const;
  abstract readonly type: 'counter' | 'histogram';
  private readonly children = new Map<string, Child>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  /** The instrument for one label set; the same object every time for the same labels. */
  labels(labels: Labels): Child {
    const key = JSON.stringify(labels);
    let child = this.children.get(key);
    if (!child) {
      child = this.create(labels);
      this.children.set(key, child);
    }
    return child;
  }

  async get() {
    const values = [...this.children.values()].flatMap((child) => this.samplesOf(child));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const child of this.children.values()) child.reset();
  }

  protected abstract create(labels: Labels): Child;
  protected abstract samplesOf(child: Child): Sample[];
}

export class BoundCounter {
  private value = 0;

  constructor(readonly labels: Labels) {}

  inc(by = 1): void {
    this.value += by;
  }

  get total(): number {
    return this.value;
  }

  reset(): void {
    this.value = 0;
  }
}

export class CounterFamily extends InstrumentFamily<BoundCounter> {
  readonly type = 'counter';

  protected create(labels: Labels): BoundCounter {
    return new BoundCounter(labels);
  }

  protected samplesOf(child: BoundCounter): Sample[] {
    return [{ labels: child.labels, value: child.total }];
  }
}

export class BoundHistogram {
  /** Observations per bucket, not cumulative; the last slot is above every bound. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly labels: Labels,
    private readonly upperBounds: readonly number[],
  ) {
    this.counts = new Float64Array(upperBounds.length + 1);
  }

  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.upperBounds.length && value > (this.upperBounds[bucket] as number)) bucket++;
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.sum += value;
    this.count++;
  }

  /** Prometheus' cumulative `_bucket` samples, then `_sum` and `_count`. */
  samples(name: string): Sample[] {
    let cumulative = 0;
    const buckets = this.upperBounds.map((bound, index): Sample => {
      cumulative += this.counts[index] as number;
      return { labels: { le: String(bound), ...this.labels }, value: cumulative, metricName: `${name}_bucket` };
    });
    return [
      ...buckets,
      { labels: { le: '+Inf', ...this.labels }, value: this.count, metricName: `${name}_bucket` },
      { labels: this.labels, value: this.sum, metricName: `${name}_sum` },
      { labels: this.labels, value: this.count, metricName: `${name}_count` },
    ];
  }

  reset(): void {
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

export class HistogramFamily extends InstrumentFamily<BoundHistogram> {
  readonly type = 'histogram';

  constructor(
    name: string,
    help: string,
    private readonly upperBounds: readonly number[],
  ) {
    super(name, help);
  }

  protected create(labels: Labels): BoundHistogram {
    return new BoundHistogram(labels, this.upperBounds);
  }

  protected samplesOf(child: BoundHistogram): Sample[] {
    return child.samples(this.name);
  }
}

/**
 * The family registered under `family.name` in `registry`, registering `family` if there is none
 * (several services may share one registry and so one family).
 */
export function registeredFamily<Family extends CounterFamily | HistogramFamily>(
  registry: Registry,
  family: Family,
): Family {
  const existing = registry.getSingleMetric(family.name) as unknown;
  if (existing instanceof CounterFamily || existing instanceof HistogramFamily) {
    if (existing.type !== family.type)
      throw new Error(`metric ${family.name} is already registered as a ${existing.type}`);
    return existing as Family;
  }
  // The registry reads metrics by shape (name, help, type, get, reset); its type names only its own classes.
  registry.registerMetric(family as unknown as Metric);
  return family;
}
