/**
 * The official AsyncAPI rendering of the spec: @asyncapi/generator 3 with
 * @asyncapi/html-template 3.5, offline (`install: false`: the template comes from node_modules).
 * The generator writes into a temporary directory; its files come back under `reference/`.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import Generator from '@asyncapi/generator';
import type { GeneratedFile } from '../emit/generated-file.js';

const TEMPLATE = '@asyncapi/html-template';

/**
 * The generator transpiles the template (babel, ~20 s) into its `__transpiled` folder before
 * rendering, unless told the copy there is current. It is current when it was made by this
 * generator for this template: a stamp beside it names both versions.
 */
async function transpiledCopyIsCurrent(): Promise<{ current: boolean; stamp: () => Promise<void> }> {
  const resolveFrom = createRequire(import.meta.url).resolve;
  const templateManifest = resolveFrom(`${TEMPLATE}/package.json`);
  const versionOf = async (manifest: string) =>
    (JSON.parse(await readFile(manifest, 'utf8')) as { version: string }).version;
  const wanted = `${TEMPLATE}@${await versionOf(templateManifest)} by @asyncapi/generator@${await versionOf(resolveFrom('@asyncapi/generator/package.json'))}\n`;
  const stampFile = join(dirname(templateManifest), '__transpiled', '.transpiled-for');
  const found = await readFile(stampFile, 'utf8').catch(() => undefined);
  return { current: found === wanted, stamp: () => writeFile(stampFile, wanted) };
}

export async function renderAsyncApiReference(specPath: string, prefix: string): Promise<GeneratedFile[]> {
  // The template depends on puppeteer (for its PDF option only); never let it fetch a browser.
  process.env['PUPPETEER_SKIP_DOWNLOAD'] ??= 'true';
  const outDir = await mkdtemp(join(tmpdir(), 'asyncapi-reference-'));
  try {
    const transpiled = await transpiledCopyIsCurrent();
    const generator = new Generator(TEMPLATE, outDir, {
      forceWrite: true,
      install: false,
      compile: !transpiled.current,
      templateParams: { singleFile: 'false' },
    });
    await generator.generateFromFile(specPath);
    if (!transpiled.current) await transpiled.stamp();
    const entries = await readdir(outDir, { recursive: true, withFileTypes: true });
    const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
    return await Promise.all(
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
