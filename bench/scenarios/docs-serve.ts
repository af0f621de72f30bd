/**
 * The docs site under `npm run docs -- --serve`: from saving asyncapi.yaml to our model-built pages
 * rebuilt (when the open pages reload), then to the official reference rebuilt (when they reload
 * again). Builds a copy of the spec into a scratch site in this process, so the repository is not
 * touched; the first full build is reported apart.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SiteBuilder } from '../../generator/docs/build-site.js';
import { REFERENCE_DIR } from '../../generator/docs/site/links.js';
import { onSave } from '../../generator/watch/on-save.js';
import { median } from '../support/stats.js';

const REPO = resolve(import.meta.dirname, '../..');

/** A change our pages show (a message's description), different at each save. */
const edit = (spec: string, save: number) =>
  spec.replace('description: A user account was created.', `description: A user account was created (edit ${save}).`);

export interface DocsServeResult {
  /** The full build `--serve` starts with. */
  buildMs: number;
  /** Save to our pages rebuilt, median over `saves`. */
  pagesMs: number;
  /** Save to the official reference rebuilt too, median over `saves`. */
  referenceMs: number;
  saves: number;
}

export async function measureDocsServe(saves: number): Promise<DocsServeResult> {
  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', 'bench-docs-serve-'));
  try {
    const specPath = join(dir, 'asyncapi.yaml');
    copyFileSync(join(REPO, 'asyncapi.yaml'), specPath);
    const spec = readFileSync(specPath, 'utf8');
    const buildStarted = performance.now();
    const builder = await SiteBuilder.build({ specPath, outDir: join(dir, 'site') });
    const buildMs = performance.now() - buildStarted;

    let rebuilt: ((times: { pagesAt: number; referenceAt: number }) => void) | undefined;
    const watcher = onSave(specPath, async () => {
      const pages = await builder.rebuildPages();
      if (!pages.ok) throw new Error(`the edited spec does not load: ${JSON.stringify(pages.diagnostics)}`);
      const pagesAt = performance.now();
      await builder.rebuildReference();
      rebuilt?.({ pagesAt, referenceAt: performance.now() });
    });
    try {
      const pagesMs: number[] = [];
      const referenceMs: number[] = [];
      for (let save = 0; save < saves; save++) {
        const done = new Promise<{ pagesAt: number; referenceAt: number }>((resolve) => (rebuilt = resolve));
        const savedAt = performance.now();
        writeFileSync(specPath, edit(spec, save));
        const { pagesAt, referenceAt } = await done;
        const marker = `(edit ${save})`;
        if (!builder.files.some((file) => !file.path.startsWith(`${REFERENCE_DIR}/`) && file.content.includes(marker)))
          throw new Error(`no page of ours shows the edit ${marker}`);
        pagesMs.push(pagesAt - savedAt);
        referenceMs.push(referenceAt - savedAt);
      }
      return {
        buildMs: Math.round(buildMs),
        pagesMs: Math.round(median(pagesMs)),
        referenceMs: Math.round(median(referenceMs)),
        saves,
      };
    } finally {
      watcher.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
