/** The docs server as a browser meets it: a request path it cannot decode is refused, and the server keeps serving. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSite, type RunningSite } from '../../../generator/docs/serve-site.js';

let dir: string;
let site: RunningSite;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'serve-site-'));
  writeFileSync(join(dir, 'index.html'), '<h1>PeerPrep messaging</h1>');
  site = await serveSite(dir, 0);
});

afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('serveSite', () => {
  it('answers a malformed percent-encoding with 400 and goes on serving pages', async () => {
    const refused = await fetch(new URL('/%E0%A4%A', site.url));
    expect([refused.status, await refused.text()]).toEqual([
      400,
      'bad request: the path is not valid percent-encoding\n',
    ]);
    expect(await (await fetch(site.url)).text()).toContain('PeerPrep messaging');
  });
});
