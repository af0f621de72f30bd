/**
 * The documentation site in a real browser (Debian's Chromium, headless, driven by
 * playwright-core): built by `npm run docs` into a temporary directory, served over HTTP, the
 * overview, topology and reference pages load without a console error, every operation and
 * message of the spec appears, and the diagram has a node per exchange and queue. Screenshots go
 * to test-artifacts/.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite, type RunningSite } from '../../generator/docs/serve-site.js';
import { loadModelOrThrow } from '../../generator/load/load-model.js';
import type { Model } from '../../generator/model/types.js';

const REPO = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(REPO, 'test-artifacts');
const run = promisify(execFile);

let model: Model;
let siteDir: string;
let site: RunningSite;
let browser: Browser;

beforeAll(async () => {
  model = await loadModelOrThrow(join(REPO, 'asyncapi.yaml'));
  siteDir = mkdtempSync(join(tmpdir(), 'docs-site-'));
  await run(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'generator/docs/cli.ts'), '--out', siteDir], { cwd: REPO });
  site = await serveSite(siteDir, 0);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-gpu'],
  });
  mkdirSync(ARTIFACTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  if (siteDir !== undefined) rmSync(siteDir, { recursive: true, force: true });
});

/** Opens a page of the site, collecting console errors, uncaught exceptions and failed requests. */
async function open(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`exception: ${error.message}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  await page.goto(new URL(path, site.url).href, { waitUntil: 'networkidle' });
  return { page, errors };
}

const operationIds = () =>
  model.services.flatMap((service) => [...service.publishes, ...service.consumes, ...service.serves, ...service.calls].map((use) => use.operationId));

describe('docs site in Chromium', () => {
  it('overview: loads cleanly and lists every operation and message', async () => {
    const { page, errors } = await open('index.html');
    const text = await page.locator('body').innerText();
    expect(operationIds().length).toBeGreaterThan(0);
    for (const operationId of operationIds()) expect(text).toContain(operationId);
    for (const message of model.messages) expect(text).toContain(message.name);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-overview.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('topology: loads cleanly and draws a node per exchange and queue', async () => {
    const { page, errors } = await open('topology.html');
    const nodes = await page.locator('#diagram svg g.node > title').allTextContents();
    for (const exchange of model.exchanges) expect(nodes).toContain(`exchange:${exchange.name}`);
    for (const queue of model.queues) expect(nodes).toContain(`queue:${queue.name}`);
    expect(nodes).toHaveLength(model.services.length + model.exchanges.length + model.queues.length);
    await page.locator('#diagram').screenshot({ path: join(ARTIFACTS, 'docs-topology.png') });
    expect(errors).toEqual([]);
  });

  it('service pages: every operation of the service, with payload examples', async () => {
    for (const service of model.services) {
      const { page, errors } = await open(`services/${service.name}.html`);
      const text = await page.locator('main').innerText();
      for (const use of [...service.publishes, ...service.consumes, ...service.serves, ...service.calls]) expect(text).toContain(use.operationId);
      expect(await page.locator('pre.json').count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  it('reference: the official AsyncAPI rendering loads cleanly and shows every operation and message', async () => {
    const { page, errors } = await open('reference/index.html');
    const text = await page.locator('body').innerText();
    for (const operationId of operationIds()) expect(text).toContain(operationId);
    for (const message of model.messages) expect(text).toContain(message.name);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-reference.png') });
    expect(errors).toEqual([]);
  });
});
