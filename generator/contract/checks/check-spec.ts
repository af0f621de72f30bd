/** Checks 1 and 2: the spec loads without diagnostics, and every message example matches its schema. */
import { formatDiagnostic, type Diagnostic } from '../../diagnostics.js';
import type { LoadResult } from '../../load/load-model.js';
import type { Model } from '../../model/types.js';
import type { CheckResult } from './check-result.js';

/** The model builder validates examples; its diagnostics for them carry this code. */
const EXAMPLE_MISMATCH = 'example-mismatch';

function describeModel(model: Model): string {
  const operations = model.services.reduce(
    (sum, service) =>
      sum + service.publishes.length + service.consumes.length + service.calls.length + service.serves.length,
    0,
  );
  return `${model.title} ${model.version}: ${model.services.length} services, ${operations} operations, ${model.messages.length} messages, ${model.exchanges.length} exchanges, ${model.queues.length} queues`;
}

function diagnosticsOf(loaded: LoadResult, examples: boolean): Diagnostic[] {
  return 'diagnostics' in loaded ? loaded.diagnostics.filter((d) => (d.code === EXAMPLE_MISMATCH) === examples) : [];
}

export function checkSpec(loaded: LoadResult): CheckResult {
  const problems = diagnosticsOf(loaded, false);
  if ('model' in loaded)
    return { name: 'spec', ok: true, summary: `valid (${describeModel(loaded.model)})`, details: [] };
  if (problems.length === 0) return { name: 'spec', ok: true, summary: 'valid apart from its examples', details: [] };
  return {
    name: 'spec',
    ok: false,
    summary: `${problems.length} problem(s) from the parser and the contract's rules`,
    details: problems.map(formatDiagnostic),
  };
}

export function checkExamples(loaded: LoadResult): CheckResult {
  const problems = diagnosticsOf(loaded, true);
  if (problems.length > 0) {
    return {
      name: 'examples',
      ok: false,
      summary: `${problems.length} example violation(s)`,
      details: problems.map(formatDiagnostic),
    };
  }
  if (!('model' in loaded))
    return { name: 'examples', ok: true, summary: 'no example violations (the spec has other problems)', details: [] };
  const { messages } = loaded.model;
  const count = messages.reduce((sum, message) => sum + message.examples.length, 0);
  const without = messages.filter((message) => message.examples.length === 0).map((message) => message.name);
  const note = without.length === 0 ? '' : `; without examples: ${without.join(', ')}`;
  return {
    name: 'examples',
    ok: true,
    summary: `${count} example(s) of ${messages.length} messages match their schemas${note}`,
    details: [],
  };
}
