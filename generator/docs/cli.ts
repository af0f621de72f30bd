/**
 * `npm run docs [-- --serve] [--port 8080] [--spec asyncapi.yaml] [--out site]`
 * Builds the documentation site offline; with --serve, serves it on 127.0.0.1 until interrupted.
 * Exit codes (docs/cli.md): 0 built, 1 the spec does not load, 2 bad usage, 3 an unexpected error.
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runCli, UsageError } from '../../runtime/cli/run-cli.js';
import { SpecError } from '../diagnostics.js';
import { formatDiagnostic } from '../diagnostics.js';
import { onSave } from '../watch/on-save.js';
import { SiteBuilder } from './build-site.js';
import { serveSite, type RunningSite } from './serve-site.js';

const HELP = `usage: npm run docs [-- [--serve] [--port <n>] [--spec <path>] [--out <dir>]]
  --serve  serve the site on 127.0.0.1 after building it; on each save of the spec, rebuild
           what it changed and reload the open pages (Ctrl-C stops)
  --port   port for --serve (default 8080; 0 picks a free one)
  --spec   the AsyncAPI document (default asyncapi.yaml)
  --out    the output directory (default site)
environment: none
exit codes: 0 built (or served until Ctrl-C), 1 the spec does not load, 2 bad usage, 3 an unexpected error`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      serve: { type: 'boolean', default: false },
      port: { type: 'string', default: '8080' },
      spec: { type: 'string', default: 'asyncapi.yaml' },
      out: { type: 'string', default: 'site' },
    },
    strict: true,
    allowPositionals: false,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: not a port number: ${values.port}`);
  const started = performance.now();
  let builder: SiteBuilder;
  try {
    builder = await SiteBuilder.build({ specPath: values.spec, outDir: values.out });
    const outDir = relative(process.cwd(), values.out) || '.';
    console.log(`Built ${builder.files.length} files into ${outDir}/ from ${values.spec} (${elapsed(started)}).`);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    console.error(error.message);
    return 1;
  }
  if (!values.serve) return 0;
  const site = await serveSite(values.out, port, { liveReload: true });
  const watcher = onSave(values.spec, () => rebuild(builder, site, values.spec));
  console.log(`Serving ${values.out}/ at ${site.url}; rebuilding on each save of ${values.spec} (Ctrl-C stops).`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  watcher.close();
  await site.close();
  return 0;
}

function elapsed(since: number): string {
  return `${Math.round(performance.now() - since)} ms`;
}

/** Our pages first (the open pages reload at once), then the official rendering (and they reload again). */
async function rebuild(builder: SiteBuilder, site: RunningSite, spec: string): Promise<void> {
  const started = performance.now();
  try {
    const pages = await builder.rebuildPages();
    if (!pages.ok) {
      for (const diagnostic of pages.diagnostics) console.error(formatDiagnostic(diagnostic));
      console.error(`${spec}: ${pages.diagnostics.length} problem(s); the site is left as it was.`);
      return;
    }
    site.reload();
    console.log(`${spec} changed: pages rebuilt (${elapsed(started)}).`);
    await builder.rebuildReference();
    site.reload();
    console.log(`${spec} changed: reference rebuilt (${elapsed(started)}).`);
  } catch (error) {
    console.error(error);
    console.error(`${spec}: the rebuild failed; the site is left as it was.`);
  }
}

runCli({ name: 'docs', help: HELP, main });
