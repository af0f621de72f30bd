/**
 * The contract's topology as a Graphviz (DOT) graph, read left to right: publishing services ->
 * exchanges -(binding patterns)-> queues -> consuming services; callers -> RPC queues -> servers.
 * A consumer queue's retry queues and dead-letter queue are not nodes of their own (they would be
 * half the graph): its node says "retries 1s, 2s, then DLQ", with their names in its tooltip and a
 * link to the queues table.
 *
 * Node ids (the `<title>` of each node in the SVG) are `service:<name>`, `exchange:<name>`,
 * `queue:<name>`: the browser test and the page's script use them.
 */
import type { Model, Queue } from '../../model/types.js';
import { retryQueueName } from '../../model/retry.js';
import { anchor } from './links.js';

const QUEUE_COLOURS: Record<'consumer' | 'rpc', string> = {
  consumer: '#d4edda',
  rpc: '#cce5ff',
};
/** Large enough to read at 100 % zoom (the page shows the SVG at 1 px per point). */
const NODE_FONT_SIZE = 14;
const EDGE_FONT_SIZE = 12;

/** A DOT string literal. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function node(id: string, attributes: Record<string, string>): string {
  return `  ${quote(id)} [${Object.entries(attributes).map(([key, value]) => `${key}=${quote(value)}`).join(', ')}];`;
}

function edge(from: string, to: string, attributes: Record<string, string> = {}): string {
  const list = Object.entries(attributes).map(([key, value]) => `${key}=${quote(value)}`).join(', ');
  return `  ${quote(from)} -> ${quote(to)}${list.length === 0 ? '' : ` [${list}]`};`;
}

/** `1s`, `1.5s`, `250ms`, `2min`. */
export function shortDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${ms / 1000}s`;
  return `${Math.round((ms / 60_000) * 10) / 10}min`;
}

/** "retries 1s, 2s, 4s, 8s, then DLQ", in the order they happen; undefined for a queue without either. */
export function retrySummary(queue: Queue): string | undefined {
  const delays = queue.retry?.delaysMs ?? [];
  const retries = delays.length === 0 ? undefined : `retries ${delays.map(shortDuration).join(', ')}`;
  const deadLetter = queue.deadLetterQueue === undefined ? undefined : 'DLQ';
  if (retries === undefined) return deadLetter === undefined ? undefined : 'no retry, then DLQ';
  return deadLetter === undefined ? `${retries}, then dropped` : `${retries}, then ${deadLetter}`;
}

function queueLabel(queue: Queue): string {
  const name = queue.perInstance ? `${queue.name}.<instance>` : queue.name;
  const details = [queue.role === 'consumer' ? queue.queueType : queue.role, queue.perInstance ? 'exclusive, per instance' : undefined];
  return [name, `(${details.filter((detail) => detail !== undefined).join(', ')})`, retrySummary(queue)].filter((line) => line !== undefined).join('\n');
}

/** The names behind the summary, retry queues in the order a message goes through them. */
function queueTooltip(queue: Queue): string {
  const delays = queue.retry?.delaysMs ?? [];
  return [
    queue.name,
    ...delays.map((delay, index) => `retry ${index + 1} after ${shortDuration(delay)}: ${retryQueueName(queue.name, delay)}`),
    ...(queue.deadLetterQueue === undefined ? [] : [`dead letters: ${queue.deadLetterQueue}`]),
  ].join('\n');
}

function queueNode(queue: Queue): string {
  return node(`queue:${queue.name}`, {
    label: queueLabel(queue),
    shape: 'cylinder',
    fillcolor: QUEUE_COLOURS[queue.role === 'rpc' ? 'rpc' : 'consumer'],
    tooltip: queueTooltip(queue),
    URL: `#${anchor('queue', queue.name)}`,
  });
}

/** Publisher -> exchange edges, one per service and exchange, labelled with the routing keys. */
function publishEdges(model: Model): string[] {
  return model.services.flatMap((service) => {
    const keysByExchange = new Map<string, string[]>();
    for (const publication of service.publishes) {
      const keys = keysByExchange.get(publication.channel.exchange) ?? [];
      keys.push(publication.channel.routingKey);
      keysByExchange.set(publication.channel.exchange, keys);
    }
    return [...keysByExchange].map(([exchange, keys]) => edge(`service:${service.name}`, `exchange:${exchange}`, { label: keys.join('\n') }));
  });
}

function rpcEdges(model: Model): string[] {
  return model.services.flatMap((service) => [
    ...service.calls.map((use) => edge(`service:${service.name}`, `queue:${use.rpc.queue}`, { label: `calls ${use.rpc.queue}`, style: 'dashed' })),
    ...service.serves.map((use) => edge(`queue:${use.rpc.queue}`, `service:${service.name}`, { label: 'serves', style: 'dashed' })),
  ]);
}

/** The queues drawn as nodes: consumer and RPC queues (retry and dead-letter queues are summarised on their consumer queue). */
export function diagramQueues(model: Model): Queue[] {
  return model.queues.filter((queue) => queue.role === 'consumer' || queue.role === 'rpc');
}

export function topologyDot(model: Model): string {
  return [
    'digraph topology {',
    '  rankdir=TB; nodesep=0.25; ranksep=0.7;',
    `  node [fontname="Helvetica", fontsize=${NODE_FONT_SIZE}, style="filled"];`,
    `  edge [fontname="Helvetica", fontsize=${EDGE_FONT_SIZE}];`,
    ...model.services.map((service) => node(`service:${service.name}`, { label: service.name, shape: 'box', style: 'rounded,filled', fillcolor: '#e8f0fe' })),
    ...model.exchanges.map((exchange) => node(`exchange:${exchange.name}`, { label: `${exchange.name}\n(${exchange.type} exchange)`, shape: 'hexagon', fillcolor: '#fff3cd' })),
    ...diagramQueues(model).map(queueNode),
    ...publishEdges(model),
    ...model.bindings.map((binding) => edge(`exchange:${binding.exchange}`, `queue:${binding.queue}`, { label: binding.pattern })),
    ...model.queues.filter((queue) => queue.role === 'consumer').map((queue) => edge(`queue:${queue.name}`, `service:${queue.owner}`, { label: 'consumes' })),
    ...rpcEdges(model),
    '}',
    '',
  ].join('\n');
}
