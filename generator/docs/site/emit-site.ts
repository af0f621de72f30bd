/** Every page of our own, as files: pure over the model and what the build computed for it. */
import type { GeneratedFile } from '../../emit/generated-file.js';
import type { Model } from '../../model/types.js';
import type { HistoryEntry } from './history-page.js';
import { historyPage } from './history-page.js';
import { layout, type PageInput } from './layout.js';
import { overviewPage } from './overview-page.js';
import { servicePage } from './service-page.js';
import { topologyPage } from './topology-page.js';

export interface SiteInputs {
  /** `topologyDot(model)` rendered to SVG. */
  topologySvg: string;
  history: readonly HistoryEntry[];
}

export function emitSite(model: Model, inputs: SiteInputs): GeneratedFile[] {
  const pages: PageInput[] = [
    overviewPage(model),
    topologyPage(model, inputs.topologySvg),
    ...model.services.map((service) => servicePage(model, service)),
    historyPage(inputs.history),
  ];
  return pages.map((page) => ({ path: page.path, content: layout(model, page) }));
}
