/**
 * The topology diagram's behaviour, inlined in topology.html (no network, no dependency): the SVG
 * starts at its natural size (1 pt of Graphviz = 4/3 px, so labels are as large as Graphviz set
 * them); the wheel zooms around the pointer, dragging pans, buttons zoom, reset and fit; clicking
 * a service or an exchange highlights every path through it (click again, or Escape, to clear).
 * `#diagram[data-zoom]` holds the current zoom (1 = natural size) for tests.
 */
export const DIAGRAM_SCRIPT = `
(() => {
  const box = document.getElementById('diagram');
  const svg = box && box.querySelector('svg');
  if (!svg) return;
  const PX_PER_UNIT = 4 / 3;
  const MIN_ZOOM = 0.1;
  const MAX_ZOOM = 8;
  const base = svg.viewBox.baseVal;
  const graph = { x: base.x, y: base.y, width: base.width, height: base.height };
  svg.removeAttribute('width');
  svg.removeAttribute('height');
  svg.setAttribute('preserveAspectRatio', 'xMinYMin meet');
  let view;
  const size = () => svg.getBoundingClientRect();
  const zoomOf = (v) => size().width / v.width / PX_PER_UNIT;
  function show(zoom, centreX, top) {
    const r = size();
    const width = r.width / PX_PER_UNIT / zoom;
    const height = r.height / PX_PER_UNIT / zoom;
    view = { x: centreX - width / 2, y: top, width, height };
    apply();
  }
  function apply() {
    svg.setAttribute('viewBox', [view.x, view.y, view.width, view.height].join(' '));
    box.dataset.zoom = zoomOf(view).toFixed(3);
  }
  function zoomBy(factor, px, py) {
    const r = size();
    const next = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, zoomOf(view) * factor));
    const k = zoomOf(view) / next;
    const ux = view.x + (px / r.width) * view.width;
    const uy = view.y + (py / r.height) * view.height;
    view = { x: ux - (ux - view.x) * k, y: uy - (uy - view.y) * k, width: view.width * k, height: view.height * k };
    apply();
  }
  const natural = () => show(1, graph.x + graph.width / 2, graph.y);
  const fit = () => {
    const r = size();
    const zoom = Math.min(r.width / (graph.width * PX_PER_UNIT), r.height / (graph.height * PX_PER_UNIT));
    show(zoom, graph.x + graph.width / 2, graph.y);
  };
  natural();
  box.addEventListener('wheel', (event) => {
    event.preventDefault();
    const r = size();
    zoomBy(event.deltaY < 0 ? 1.2 : 1 / 1.2, event.clientX - r.left, event.clientY - r.top);
  }, { passive: false });
  let drag;
  svg.addEventListener('pointerdown', (event) => {
    drag = { x: event.clientX, y: event.clientY, view, moved: false };
  });
  window.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x;
    const dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
    if (!drag.moved) return;
    const unitsPerPx = drag.view.width / size().width;
    view = { ...drag.view, x: drag.view.x - dx * unitsPerPx, y: drag.view.y - dy * unitsPerPx };
    apply();
  });
  window.addEventListener('pointerup', () => {
    setTimeout(() => { drag = undefined; }, 0);
  });
  const controls = { 'zoom-in': () => zoomBy(1.25, size().width / 2, size().height / 2), 'zoom-out': () => zoomBy(0.8, size().width / 2, size().height / 2), 'zoom-reset': natural, 'zoom-fit': fit };
  for (const [id, action] of Object.entries(controls)) document.getElementById(id)?.addEventListener('click', action);

  const titleOf = (g) => (g.querySelector(':scope > title') || {}).textContent || '';
  const nodes = [...svg.querySelectorAll('g.node')];
  const edges = [...svg.querySelectorAll('g.edge')].map((g) => {
    const [from, to] = titleOf(g).split('->');
    return { g, from, to };
  });
  function reach(start, forward) {
    const seen = new Set([start]);
    const queue = [start];
    while (queue.length > 0) {
      const at = queue.shift();
      for (const edge of edges) {
        const [here, there] = forward ? [edge.from, edge.to] : [edge.to, edge.from];
        if (here !== at || seen.has(there)) continue;
        seen.add(there);
        // A path ends at a service: what it sends or receives next is another path.
        if (!there.startsWith('service:')) queue.push(there);
      }
    }
    return seen;
  }
  let selected;
  function highlight(id) {
    selected = id;
    box.classList.toggle('highlighting', id !== undefined);
    const downstream = id === undefined ? new Set() : reach(id, true);
    const upstream = id === undefined ? new Set() : reach(id, false);
    const onPath = (set, edge) => set.has(edge.from) && set.has(edge.to);
    for (const g of nodes) g.classList.toggle('lit', downstream.has(titleOf(g)) || upstream.has(titleOf(g)));
    for (const edge of edges) edge.g.classList.toggle('lit', onPath(downstream, edge) || onPath(upstream, edge));
    box.dataset.selected = id || '';
  }
  svg.addEventListener('click', (event) => {
    if (drag && drag.moved) return;
    const g = event.target.closest && event.target.closest('g.node');
    const id = g ? titleOf(g) : undefined;
    if (id && !id.startsWith('service:') && !id.startsWith('exchange:')) return;
    highlight(id === selected ? undefined : id);
  });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') highlight(undefined); });
})();
`;
