/** topology.html: the diagram (Graphviz SVG made at build time, with pan, zoom and highlighting), then the bindings and queues as tables. */
import type { Model, Queue } from '../../model/types.js';
import { retryQueueName } from '../../model/retry.js';
import { DIAGRAM_SCRIPT } from './diagram-script.js';
import { html, trustedHtml, type Html } from './html.js';
import { anchor, servicePath, SITE_PATHS } from './links.js';
import { diagramQueues } from './topology-dot.js';

function bindingsTable(model: Model): Html {
  return html`<table id="bindings">
<tr><th>Exchange</th><th>Pattern</th><th>Queue</th><th>Consumer</th></tr>
${model.bindings.map((binding) => {
  const owner = model.queues.find((queue) => queue.name === binding.queue)?.owner ?? '';
  return html`<tr><td><code>${binding.exchange}</code></td><td><code>${binding.pattern}</code></td><td><a href="#${anchor('queue', binding.queue)}"><code>${binding.queue}</code></a></td><td><a href="${servicePath(owner)}">${owner}</a></td></tr>`;
})}
</table>`;
}

function queuePolicy(queue: Queue): string {
  const retry = queue.retry === undefined || queue.retry.maxAttempts <= 1 ? 'no retry' : `${queue.retry.maxAttempts} attempts, delays ${queue.retry.delaysMs.join(', ')} ms`;
  return queue.role === 'consumer' ? `${retry}; ${queue.deadLetterQueue === undefined ? 'no dead-letter queue' : `dead letters to ${queue.deadLetterQueue}`}` : '';
}

/** Each consumer or RPC queue, then its retry queues in the order a message goes through them, then its dead-letter queue. */
function tableOrder(model: Model): Queue[] {
  const byName = new Map(model.queues.map((queue) => [queue.name, queue]));
  const parked = (queue: Queue) => [
    ...new Set([...(queue.retry?.delaysMs ?? []).map((delay) => retryQueueName(queue.name, delay)), ...(queue.deadLetterQueue === undefined ? [] : [queue.deadLetterQueue])]),
  ].flatMap((name) => byName.get(name) ?? []);
  const ordered = [...new Set(diagramQueues(model).flatMap((queue) => [queue, ...parked(queue)]))];
  return [...ordered, ...model.queues.filter((queue) => !ordered.includes(queue))];
}

function queuesTable(model: Model): Html {
  return html`<table id="queues">
<tr><th>Queue</th><th>Role</th><th>Type</th><th>Durable</th><th>Exclusive</th><th>Arguments</th><th>Owner</th><th>Retry and dead letters</th></tr>
${tableOrder(model).map(
  (queue) => html`<tr id="${anchor('queue', queue.name)}"><td><code>${queue.name}${queue.perInstance ? '.<instance>' : ''}</code></td><td>${queue.role}</td><td>${queue.queueType}</td><td>${queue.durable ? 'yes' : 'no'}</td><td>${queue.exclusive ? 'yes' : 'no'}</td><td><code>${JSON.stringify(queue.arguments)}</code></td><td>${queue.owner}</td><td>${queuePolicy(queue)}</td></tr>`,
)}
</table>`;
}

export function topologyPage(model: Model, diagramSvg: string): { path: string; title: string; body: Html } {
  return {
    path: SITE_PATHS.topology,
    title: 'Topology',
    body: html`<p class="legend"><span>Boxes: services</span><span>Hexagons: exchanges (edges from publishers carry routing keys)</span><span>Cylinders: queues (edges from exchanges carry binding patterns; green consumer, blue RPC), each with its retries and dead-letter queue (hover for the queue names, click for the details)</span><span>Dashed: RPC calls</span></p>
<p class="diagram-controls"><button type="button" id="zoom-in" aria-label="Zoom in">+</button><button type="button" id="zoom-out" aria-label="Zoom out">−</button><button type="button" id="zoom-reset">100 %</button><button type="button" id="zoom-fit">Fit</button> <span class="muted">Wheel to zoom, drag to pan; click a service or an exchange to highlight its paths (Escape clears).</span></p>
<div class="diagram" id="diagram">${trustedHtml(diagramSvg)}</div>
<script>${trustedHtml(DIAGRAM_SCRIPT)}</script>
<h2>Exchanges</h2>
<table id="exchanges"><tr><th>Exchange</th><th>Type</th><th>Durable</th><th>Auto-delete</th></tr>
${model.exchanges.map((exchange) => html`<tr id="${anchor('exchange', exchange.name)}"><td><code>${exchange.name}</code></td><td>${exchange.type}</td><td>${exchange.durable ? 'yes' : 'no'}</td><td>${exchange.autoDelete ? 'yes' : 'no'}</td></tr>`)}
</table>
<h2>Bindings</h2>
${bindingsTable(model)}
<h2>Queues</h2>
${queuesTable(model)}`,
  };
}
