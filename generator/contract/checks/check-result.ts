/** The outcome of one contract:check step. */
export interface CheckResult {
  /** Short name, also what `--skip` takes: `spec`, `examples`, `generated`, `types`, `breaking`. */
  name: CheckName;
  ok: boolean;
  /** One line: what was found. */
  summary: string;
  /** Lines under the summary: each problem, or each change. */
  details: string[];
}

export const CHECK_NAMES = ['spec', 'examples', 'generated', 'types', 'breaking'] as const;
export type CheckName = (typeof CHECK_NAMES)[number];

export function skipped(name: CheckName, why: string): CheckResult {
  return { name, ok: true, summary: `skipped: ${why}`, details: [] };
}
