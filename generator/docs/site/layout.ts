/** The frame every page of our own shares: title, navigation, styles. No external assets. */
import type { Model } from '../../model/types.js';
import { html, trustedHtml, type Html } from './html.js';
import { relativeLink, servicePath, SITE_PATHS } from './links.js';

const STYLE = `
:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --accent: #0b5cad; }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--ink); margin: 0; }
header { background: #12263f; color: #fff; padding: 0.75rem 1.5rem; }
header a { color: #fff; margin-right: 1.25rem; text-decoration: none; }
header a[aria-current="page"] { text-decoration: underline; }
header .title { font-weight: 600; margin-right: 2rem; }
main { padding: 1rem 1.5rem 3rem; max-width: 80rem; }
a { color: var(--accent); }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
code { font: 13px ui-monospace, monospace; }
pre.json { background: #f6f8fa; border: 1px solid var(--line); padding: 0.6rem; overflow-x: auto; }
.muted { color: var(--muted); }
.breaking { color: #b42318; font-weight: 600; }
.diagram { height: 75vh; border: 1px solid var(--line); overflow: hidden; touch-action: none; cursor: grab; user-select: none; }
.diagram svg { width: 100%; height: 100%; display: block; }
.diagram.highlighting g.node:not(.lit), .diagram.highlighting g.edge:not(.lit) { opacity: 0.15; }
.diagram-controls button { min-width: 2.2rem; margin-right: 0.3rem; }
.legend span { display: inline-block; margin-right: 1rem; }
`;

export interface PageInput {
  /** Path of this page, relative to the site root: `services/user-service.html`. */
  path: string;
  title: string;
  body: Html;
}

export function layout(model: Model, page: PageInput): string {
  const link = (to: string, label: string) =>
    html`<a href="${relativeLink(page.path, to)}"${to === page.path ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${page.title} · ${model.title} ${model.version}</title>
<style>${trustedHtml(STYLE)}</style>
</head>
<body>
<header>
<span class="title">${model.title} <span class="muted">${model.version}</span></span>
<nav>${link(SITE_PATHS.overview, 'Overview')}${link(SITE_PATHS.topology, 'Topology')}${model.services.map((service) =>
    link(servicePath(service.name), service.name),
  )}${link(SITE_PATHS.history, 'History')}${link(SITE_PATHS.reference, 'AsyncAPI reference')}</nav>
</header>
<main>
<h1>${page.title}</h1>
${page.body}
</main>
</body>
</html>
`.markup;
}
