/** `npm run docs`: spec -> model -> our pages + the official AsyncAPI rendering -> `site/`, atomically. */
import type { GeneratedFile } from '../emit/generated-file.js';
import { loadModelOrThrow } from '../load/load-model.js';
import { writeTree } from '../write.js';
import { renderAsyncApiReference } from './asyncapi-reference.js';
import { readContractHistory } from './contract-history.js';
import { renderDiagram } from './render-diagram.js';
import { emitSite } from './site/emit-site.js';
import { REFERENCE_DIR } from './site/links.js';
import { topologyDot } from './site/topology-dot.js';

export interface BuildSiteOptions {
  specPath: string;
  outDir: string;
}

export async function buildSite(options: BuildSiteOptions): Promise<GeneratedFile[]> {
  const model = await loadModelOrThrow(options.specPath);
  const [reference, history, topologySvg] = await Promise.all([
    renderAsyncApiReference(options.specPath, REFERENCE_DIR),
    readContractHistory(options.specPath),
    renderDiagram(topologyDot(model)),
  ]);
  const files = [...emitSite(model, { topologySvg, history }), ...reference];
  await writeTree(options.outDir, files);
  return files;
}
