/** `npm run docs`: spec -> model -> our pages + the official AsyncAPI rendering -> `site/`, atomically. */
import type { Diagnostic } from '../diagnostics.js';
import type { GeneratedFile } from '../emit/generated-file.js';
import { loadModel, loadModelOrThrow } from '../load/load-model.js';
import type { Model } from '../model/types.js';
import { writeTree } from '../write.js';
import { renderAsyncApiReference } from './asyncapi-reference.js';
import { readContractHistory } from './contract-history.js';
import { renderDiagram } from './render-diagram.js';
import type { HistoryEntry } from './site/history-page.js';
import { emitSite } from './site/emit-site.js';
import { REFERENCE_DIR } from './site/links.js';
import { topologyDot } from './site/topology-dot.js';

export interface BuildSiteOptions {
  specPath: string;
  outDir: string;
}

export async function buildSite(options: BuildSiteOptions): Promise<GeneratedFile[]> {
  return (await SiteBuilder.build(options)).files;
}

/**
 * The site, kept so that a change of the spec rebuilds only what depends on it: our pages from
 * the new model (the diagram re-rendered only when the topology changed), then the official
 * rendering. The history comes from committed versions of the spec, so a save does not change it.
 */
export class SiteBuilder {
  private constructor(
    private readonly options: BuildSiteOptions,
    private readonly history: readonly HistoryEntry[],
    private diagram: { dot: string; svg: string },
    private pages: GeneratedFile[],
    private reference: GeneratedFile[],
  ) {}

  /** Builds the whole site; throws `SpecError` when the spec does not load. */
  static async build(options: BuildSiteOptions): Promise<SiteBuilder> {
    const model = await loadModelOrThrow(options.specPath);
    const dot = topologyDot(model);
    const [reference, history, svg] = await Promise.all([
      renderAsyncApiReference(options.specPath, REFERENCE_DIR),
      readContractHistory(options.specPath),
      renderDiagram(dot),
    ]);
    const builder = new SiteBuilder(options, history, { dot, svg }, [], reference);
    builder.pages = builder.emitPages(model, svg);
    await builder.write();
    return builder;
  }

  get files(): GeneratedFile[] {
    return [...this.pages, ...this.reference];
  }

  /** Our pages from the spec as it is now; the diagnostics instead (the site left as it was) when it does not load. */
  async rebuildPages(): Promise<{ ok: true } | { ok: false; diagnostics: Diagnostic[] }> {
    const loaded = await loadModel(this.options.specPath);
    if ('diagnostics' in loaded) return { ok: false, diagnostics: loaded.diagnostics };
    const dot = topologyDot(loaded.model);
    if (dot !== this.diagram.dot) this.diagram = { dot, svg: await renderDiagram(dot) };
    this.pages = this.emitPages(loaded.model, this.diagram.svg);
    await this.write();
    return { ok: true };
  }

  /** The official rendering from the spec as it is now (slower: call after `rebuildPages` succeeded). */
  async rebuildReference(): Promise<void> {
    this.reference = await renderAsyncApiReference(this.options.specPath, REFERENCE_DIR);
    await this.write();
  }

  private emitPages(model: Model, topologySvg: string): GeneratedFile[] {
    return emitSite(model, { topologySvg, history: this.history });
  }

  private async write(): Promise<void> {
    await writeTree(this.options.outDir, this.files);
  }
}
