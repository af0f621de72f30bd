/** services/<name>.html: what one service publishes, consumes, serves and calls, with payload examples. */
import type { Model, Queue, RpcUse, Service } from '../../model/types.js';
import { html, prose, type Html } from './html.js';
import { anchor, relativeLink, servicePath, SITE_PATHS } from './links.js';
import { findMessage, messageExamples, messageLink } from './message-view.js';

function otherServices(model: Model, has: (service: Service) => boolean): string {
  const names = model.services.filter(has).map((service) => service.name);
  return names.length === 0 ? 'none yet' : names.join(', ');
}

function retryText(queue: Queue | undefined): string {
  if (queue === undefined || queue.retry === undefined || queue.retry.maxAttempts <= 1) return 'no retry';
  return `${queue.retry.maxAttempts} attempts, then ${queue.deadLetterQueue ?? 'dropped'}; delays ${queue.retry.delaysMs.join(', ')} ms`;
}

function section(title: string, items: Html[]): Html {
  return html`<h2>${title}</h2>${items.length === 0 ? html`<p class="muted">Nothing.</p>` : items}`;
}

function publishes(model: Model, service: Service, path: string): Html[] {
  return service.publishes.map(
    (use) => html`<h3 id="${anchor('operation', use.operationId)}"><code>${use.channel.routingKey}</code> on <code>${use.channel.exchange}</code></h3>
<p>In code: <code>bus.publish.${use.methodName}(payload)</code>. Operation <code>${use.operationId}</code>, message ${messageLink(path, use.channel.message)}; ${use.persistent ? 'persistent' : 'transient'}, ${use.mandatory ? 'unroutable is an error' : 'unroutable is fine'}. Consumed by: ${otherServices(model, (other) => other.consumes.some((sub) => sub.channel.id === use.channel.id))}.</p>
<p>${prose(use.description ?? use.channel.description ?? '')}</p>
${messageExamples(findMessage(model, use.channel.message))}`,
  );
}

function consumes(model: Model, service: Service, path: string): Html[] {
  return service.consumes.map((use) => {
    const queue = model.queues.find((candidate) => candidate.name === use.queue);
    return html`<h3 id="${anchor('operation', use.operationId)}"><code>${use.channel.pattern}</code> from <code>${use.channel.exchange}</code></h3>
<p>In code: handler <code>${use.methodName}</code>. Operation <code>${use.operationId}</code>, message ${messageLink(path, use.channel.message)}, queue <a href="${relativeLink(path, SITE_PATHS.topology)}#${anchor('queue', use.queue)}"><code>${use.queue}</code></a> (${queue?.queueType ?? ''}${queue?.perInstance ? ', one per instance' : ''}; ${retryText(queue)}). Published by: ${otherServices(model, (other) => other.publishes.some((pub) => pub.channel.id === use.channel.id))}.</p>
<p>${prose(use.description ?? use.channel.description ?? '')}</p>
${messageExamples(findMessage(model, use.channel.message))}`;
  });
}

function rpcUses(model: Model, uses: RpcUse[], path: string, inCode: (use: RpcUse) => string, counterpart: (use: RpcUse) => string): Html[] {
  return uses.map(
    (use) => html`<h3 id="${anchor('operation', use.operationId)}">RPC <code>${use.rpc.queue}</code></h3>
<p>In code: <code>${inCode(use)}</code>. Operation <code>${use.operationId}</code>: request ${messageLink(path, use.rpc.requestMessage)}, reply ${messageLink(path, use.rpc.replyMessage)}. ${counterpart(use)}.</p>
<p>${prose(use.description ?? use.rpc.description ?? '')}</p>
${messageExamples(findMessage(model, use.rpc.requestMessage))}
${messageExamples(findMessage(model, use.rpc.replyMessage))}`,
  );
}

export function servicePage(model: Model, service: Service): { path: string; title: string; body: Html } {
  const path = servicePath(service.name);
  const callersOf = (use: RpcUse) => `Called by: ${otherServices(model, (other) => other.calls.some((call) => call.rpc.id === use.rpc.id))}`;
  const serversOf = (use: RpcUse) => `Served by: ${otherServices(model, (other) => other.serves.some((serve) => serve.rpc.id === use.rpc.id))}`;
  return {
    path,
    title: service.name,
    body: html`<p>${prose(service.description ?? '')}</p>
${section('Publishes', publishes(model, service, path))}
${section('Consumes', consumes(model, service, path))}
${section('Serves', rpcUses(model, service.serves, path, (use) => `handler ${use.methodName}`, callersOf))}
${section('Calls', rpcUses(model, service.calls, path, (use) => `await bus.call.${use.methodName}(request)`, serversOf))}`,
  };
}
