/** DOT -> SVG with Graphviz compiled to WebAssembly (@viz-js/viz): no network, no system Graphviz. */
import { instance } from '@viz-js/viz';

/** The `<svg>` element alone (no XML prolog or doctype), ready to inline in a page. */
export async function renderDiagram(dot: string): Promise<string> {
  const viz = await instance();
  const svg = viz.renderString(dot, { format: 'svg' });
  const start = svg.indexOf('<svg');
  if (start < 0) throw new Error('Graphviz returned no <svg> element');
  return svg.slice(start);
}
