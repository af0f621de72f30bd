/**
 * The contract's topology as a Graphviz (DOT) graph, read top to bottom: publishing services ->
 * exchanges -(binding patterns)-> queues -> consuming services; callers -> RPC queues -> servers;
 * consumer queues -> retry queues -> back, and -> dead-letter queues.
 *
 * Node ids (the `<title>` of each node in the SVG) are `service:<name>`, `exchange:<name>`,
 * `queue:<name>`: the browser test counts them.
 */
import type { Model, Queue } from '../../model/types.js';

const QUEUE_COLOURS: Record<Queue['role'], string> = {
  consumer: '#d4edda',
  rpc: '#cce5ff',
  retry: '#fde2c8',
  'dead-letter': '#f8d7da',
};

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

function queueLabel(queue: Queue): string {
  const name = queue.perInstance ? `${queue.name}.<instance>` : queue.name;
  const details = [queue.role === 'consumer' ? queue.queueType : queue.role, queue.perInstance ? 'exclusive, per instance' : undefined];
  return `${name}\n(${details.filter((detail) => detail !== undefined).join(', ')})`;
}

function queueNode(queue: Queue): string {
  return node(`queue:${queue.name}`, { label: queueLabel(queue), shape: 'cylinder', fillcolor: QUEUE_COLOURS[queue.role] });
}

/** A consumer queue's retry and dead-letter queues, boxed together (a Graphviz cluster). */
function parkingCluster(model: Model, queue: Queue, index: number): string[] {
  const parkedNames = new Set([...(queue.retryQueues ?? []), ...(queue.deadLetterQueue === undefined ? [] : [queue.deadLetterQueue])]);
  const parked = model.queues.filter((candidate) => parkedNames.has(candidate.name));
  if (parked.length === 0) return [];
  return [
    `  subgraph ${quote(`cluster_${index}`)} {`,
    `    label=${quote(`retry and dead letters of ${queue.name}`)}; fontname="Helvetica"; fontsize=9; style="rounded,dashed"; color="#999999";`,
    ...parked.map((candidate) => `  ${queueNode(candidate)}`),
    '  }',
  ];
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

function retryAndDeadLetterEdges(model: Model): string[] {
  return model.queues.flatMap((queue) => [
    ...(queue.retryQueues ?? []).flatMap((retryQueue, index) => [
      edge(`queue:${queue.name}`, `queue:${retryQueue}`, { label: 'retry', color: '#c26a00', style: 'dashed' }),
      edge(`queue:${retryQueue}`, `queue:${queue.name}`, { label: index === 0 ? 'back when the TTL expires' : '', color: '#c26a00', style: 'dotted', constraint: 'false' }),
    ]),
    ...(queue.deadLetterQueue === undefined ? [] : [edge(`queue:${queue.name}`, `queue:${queue.deadLetterQueue}`, { label: 'dead-letter', color: '#b42318' })]),
  ]);
}

export function topologyDot(model: Model): string {
  return [
    'digraph topology {',
    '  rankdir=TB; nodesep=0.3; ranksep=0.6;',
    '  node [fontname="Helvetica", fontsize=11, style="filled"];',
    '  edge [fontname="Helvetica", fontsize=9];',
    ...model.services.map((service) => node(`service:${service.name}`, { label: service.name, shape: 'box', style: 'rounded,filled', fillcolor: '#e8f0fe' })),
    ...model.exchanges.map((exchange) => node(`exchange:${exchange.name}`, { label: `${exchange.name}\n(${exchange.type} exchange)`, shape: 'hexagon', fillcolor: '#fff3cd' })),
    ...model.queues.filter((queue) => queue.role !== 'retry' && queue.role !== 'dead-letter').map(queueNode),
    ...model.queues.filter((queue) => queue.role === 'consumer').flatMap((queue, index) => parkingCluster(model, queue, index)),
    ...publishEdges(model),
    ...model.bindings.map((binding) => edge(`exchange:${binding.exchange}`, `queue:${binding.queue}`, { label: binding.pattern })),
    ...model.queues.filter((queue) => queue.role === 'consumer').map((queue) => edge(`queue:${queue.name}`, `service:${queue.owner}`, { label: 'consumes' })),
    ...rpcEdges(model),
    ...retryAndDeadLetterEdges(model),
    '}',
    '',
  ].join('\n');
}
