/** Check 3: `generated/` holds exactly what the generator makes from the spec. */
import { emitAll } from '../../emit/index.js';
import type { Model } from '../../model/types.js';
import { diffTree, isUpToDate } from '../../write.js';
import type { CheckResult } from './check-result.js';

export async function checkGenerated(model: Model, outDir: string): Promise<CheckResult> {
  const files = await emitAll(model);
  const diff = await diffTree(outDir, files);
  if (isUpToDate(diff))
    return { name: 'generated', ok: true, summary: `${outDir}/ is up to date (${files.length} files)`, details: [] };
  return {
    name: 'generated',
    ok: false,
    summary: `${outDir}/ does not match the spec: run \`npm run generate\` and commit the result`,
    details: [
      ...diff.stale.map((path) => `stale    ${outDir}/${path}`),
      ...diff.missing.map((path) => `missing  ${outDir}/${path}`),
      ...diff.extra.map((path) => `extra    ${outDir}/${path}`),
    ],
  };
}
