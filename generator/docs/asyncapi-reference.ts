/**
 * The official AsyncAPI rendering of the spec: @asyncapi/generator 2.11 with
 * @asyncapi/html-template 3.5, offline (`install: false`: the template comes from node_modules).
 * The generator writes into a temporary directory; its files come back under `reference/`.
 * (The generator transpiles the template into node_modules/@asyncapi/html-template/__transpiled.)
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import Generator from '@asyncapi/generator';
import type { GeneratedFile } from '../emit/generated-file.js';

const TEMPLATE = '@asyncapi/html-template';

export async function renderAsyncApiReference(specPath: string, prefix: string): Promise<GeneratedFile[]> {
  // The template depends on puppeteer (for its PDF option only); never let it fetch a browser.
  process.env['PUPPETEER_SKIP_DOWNLOAD'] ??= 'true';
  const outDir = await mkdtemp(join(tmpdir(), 'asyncapi-reference-'));
  try {
    const generator = new Generator(TEMPLATE, outDir, { forceWrite: true, install: false, templateParams: { singleFile: 'false' } });
    await generator.generateFromFile(specPath);
    const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
    return Promise.all(
      files.map(async (file) => {
        const path = relative(outDir, file).split(sep).join('/');
        const content = await readFile(file, 'utf8');
        return { path: `${prefix}/${path}`, content: path === 'index.html' ? withLinkBack(content) : content };
      }),
    );
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The reference page is the template's own: give it a way back to the rest of the site. */
function withLinkBack(page: string): string {
  const bar =
    '<nav id="site-link" style="font:14px system-ui,sans-serif;background:#12263f;padding:0.5rem 1.5rem">' +
    '<a href="../index.html" style="color:#fff;margin-right:1.25rem">&larr; Overview</a>' +
    '<a href="../topology.html" style="color:#fff">Topology</a></nav>';
  return page.replace(/<body([^>]*)>/, (body) => `${body}${bar}`);
}
