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
import { diagramQueues } from '../../generator/docs/site/topology-dot.js';
import type { Model } from '../../generator/model/types.js';

const REPO = resolve(import.meta.dirname, '../..');
const ARTIFACTS = join(REPO, 'test-artifacts');
/** Screenshots the docs show (docs/docs-and-contract-checks.md). */
const IMAGES = join(REPO, 'docs/images');
const run = promisify(execFile);

let model: Model;
let siteDir: string;
let site: RunningSite;
let browser: Browser;

beforeAll(async () => {
  model = await loadModelOrThrow(join(REPO, 'asyncapi.yaml'));
  siteDir = mkdtempSync(join(tmpdir(), 'docs-site-'));
  await run(join(REPO, 'node_modules/.bin/tsx'), [join(REPO, 'generator/docs/cli.ts'), '--out', siteDir], {
    cwd: REPO,
  });
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
async function open(path: string, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
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
  model.services.flatMap((service) =>
    [...service.publishes, ...service.consumes, ...service.serves, ...service.calls].map((use) => use.operationId),
  );

describe('docs site in Chromium', () => {
  it('overview: loads cleanly and lists every operation and message', async () => {
    const { page, errors } = await open('index.html');
    const text = await page.locator('body').innerText();
    expect(text).not.toContain('`');
    expect(operationIds().length).toBeGreaterThan(0);
    for (const operationId of operationIds()) expect(text).toContain(operationId);
    for (const message of model.messages) expect(text).toContain(message.name);
    await page.screenshot({ path: join(ARTIFACTS, 'docs-overview.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('topology: loads cleanly and draws a node per service, exchange and consumer or RPC queue, retries summarised on their queue', async () => {
    const { page, errors } = await open('topology.html');
    const nodes = await page.locator('#diagram svg g.node > title').allTextContents();
    for (const service of model.services) expect(nodes).toContain(`service:${service.name}`);
    for (const exchange of model.exchanges) expect(nodes).toContain(`exchange:${exchange.name}`);
    for (const queue of diagramQueues(model)) expect(nodes).toContain(`queue:${queue.name}`);
    expect(nodes).toHaveLength(model.services.length + model.exchanges.length + diagramQueues(model).length);
    const labels = (await page.locator('#diagram svg').textContent()) ?? '';
    expect(labels).toContain('retries 1s, 2s, 4s, 8s, then DLQ');
    expect(errors).toEqual([]);
  });

  it('topology at 1280 px: every node label is at least 12 px high, zoom and highlighting work', async () => {
    const { page, errors } = await open('topology.html', { width: 1280, height: 900 });
    const fontSizes = () =>
      page
        .locator('#diagram svg g.node text')
        .evaluateAll((texts) =>
          texts.map(
            (text) =>
              Number.parseFloat(text.getAttribute('font-size') ?? '0') *
              ((text as unknown as { getScreenCTM(): { a: number } | null }).getScreenCTM()?.a ?? 0),
          ),
        );
    const before = await fontSizes();
    expect(before.length).toBeGreaterThan(0);
    expect(Math.min(...before)).toBeGreaterThanOrEqual(12);
    mkdirSync(IMAGES, { recursive: true });
    await page.screenshot({ path: join(IMAGES, 'docs-topology.png') });

    await page.click('#zoom-in');
    const zoomedIn = await fontSizes();
    expect(zoomedIn[0]).toBeCloseTo((before[0] ?? 0) * 1.25, 1);
    await page.locator('#diagram').hover();
    await page.mouse.wheel(0, 400);
    expect(Math.max(...(await fontSizes()))).toBeLessThan(Math.max(...zoomedIn));
    await page.click('#zoom-reset');
    expect(await fontSizes()).toEqual(before);

    await page.click('#zoom-fit');
    await page
      .locator('#diagram svg g.node')
      .filter({ has: page.locator('title', { hasText: /^service:user-service$/ }) })
      .click();
    expect(await page.locator('#diagram').getAttribute('data-selected')).toBe('service:user-service');
    const lit = await page.locator('#diagram svg g.node.lit > title').allTextContents();
    expect(lit).toEqual(
      expect.arrayContaining([
        'service:user-service',
        'exchange:user.events',
        'queue:matching.user_events',
        'service:matching-service',
      ]),
    );
    expect(lit).not.toContain('exchange:collaboration.events');
    await page.keyboard.press('Escape');
    expect(await page.locator('#diagram svg g.node.lit').count()).toBe(0);

    await page.click('#zoom-reset');
    await page
      .locator('#diagram svg g.node')
      .filter({ has: page.locator('title', { hasText: /^exchange:collaboration\.events$/ }) })
      .click();
    expect(await page.locator('#diagram svg g.node.lit > title').allTextContents()).toEqual(
      expect.arrayContaining([
        'service:collaboration-service',
        'exchange:collaboration.events',
        'queue:matching.session_events',
        'service:matching-service',
      ]),
    );
    await page.screenshot({ path: join(IMAGES, 'docs-topology-highlight.png') });
    await page.keyboard.press('Escape');
    expect(await page.locator('#diagram svg g.node.lit').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('service pages: every operation of the service, with payload examples', async () => {
    for (const service of model.services) {
      const { page, errors } = await open(`services/${service.name}.html`);
      const text = await page.locator('main').innerText();
      for (const use of [...service.publishes, ...service.consumes, ...service.serves, ...service.calls])
        expect(text).toContain(use.operationId);
      for (const use of service.publishes) expect(text).toContain(`bus.publish.${use.methodName}(payload)`);
      for (const use of service.consumes) expect(text).toContain(`handler ${use.methodName}`);
      expect(text).not.toContain('`');
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
    await page.click('#site-link a[href="../index.html"]');
    expect(new URL(page.url()).pathname).toMatch(/\/index\.html$/);
    expect(errors).toEqual([]);
  });
});
