/** index.html: the contract at a glance: services, every operation, every message. */
import type { Model, Service } from '../../model/types.js';
import { html, prose, type Html } from './html.js';
import { anchor, servicePath, SITE_PATHS } from './links.js';
import { messageLink } from './message-view.js';

const PATH = SITE_PATHS.overview;

interface OperationRow {
  operationId: string;
  service: string;
  verb: 'publishes' | 'consumes' | 'serves' | 'calls';
  address: string;
  messages: string[];
}

function operationRows(service: Service): OperationRow[] {
  const on = (routingKey: string, exchange: string) => `${routingKey} on ${exchange}`;
  return [
    ...service.publishes.map((use) => ({ operationId: use.operationId, service: service.name, verb: 'publishes' as const, address: on(use.channel.routingKey, use.channel.exchange), messages: [use.channel.message] })),
    ...service.consumes.map((use) => ({ operationId: use.operationId, service: service.name, verb: 'consumes' as const, address: `${on(use.channel.pattern, use.channel.exchange)} via ${use.queue}`, messages: [use.channel.message] })),
    ...service.serves.map((use) => ({ operationId: use.operationId, service: service.name, verb: 'serves' as const, address: `RPC ${use.rpc.queue}`, messages: [use.rpc.requestMessage, use.rpc.replyMessage] })),
    ...service.calls.map((use) => ({ operationId: use.operationId, service: service.name, verb: 'calls' as const, address: `RPC ${use.rpc.queue}`, messages: [use.rpc.requestMessage, use.rpc.replyMessage] })),
  ];
}

/** Where each message travels: `user.created`, `RPC user.profile.get (request)`. */
function usesOf(model: Model, message: string): string[] {
  return [
    ...model.channels.filter((channel) => channel.message === message).map((channel) => `${channel.routingKey} on ${channel.exchange}`),
    ...model.rpcs.filter((rpc) => rpc.requestMessage === message).map((rpc) => `RPC ${rpc.queue} (request)`),
    ...model.rpcs.filter((rpc) => rpc.replyMessage === message).map((rpc) => `RPC ${rpc.queue} (reply)`),
  ];
}

function servicesTable(model: Model): Html {
  return html`<table>
<tr><th>Service</th><th>Publishes</th><th>Consumes</th><th>Serves</th><th>Calls</th><th>Description</th></tr>
${model.services.map(
  (service) => html`<tr><td><a href="${servicePath(service.name)}">${service.name}</a></td><td>${service.publishes.length}</td><td>${service.consumes.length}</td><td>${service.serves.length}</td><td>${service.calls.length}</td><td>${prose(service.description ?? '')}</td></tr>`,
)}
</table>`;
}

function operationsTable(model: Model): Html {
  return html`<table id="operations">
<tr><th>Operation</th><th>Service</th><th>Does</th><th>Where</th><th>Messages</th></tr>
${model.services.flatMap(operationRows).map(
  (row) => html`<tr id="${anchor('operation', row.operationId)}"><td><code>${row.operationId}</code></td><td><a href="${servicePath(row.service)}">${row.service}</a></td><td>${row.verb}</td><td><code>${row.address}</code></td><td>${row.messages.map((name, index) => html`${index > 0 ? ', ' : ''}${messageLink(PATH, name)}`)}</td></tr>`,
)}
</table>`;
}

function messagesTable(model: Model): Html {
  return html`<table id="messages">
<tr><th>Message</th><th>Title</th><th>Travels on</th><th>Examples</th></tr>
${model.messages.map(
  (message) => html`<tr id="${anchor('message', message.name)}"><td><code>${message.name}</code></td><td>${message.title ?? ''}</td><td>${usesOf(model, message.name).map((use) => html`<code>${use}</code><br>`)}</td><td>${message.examples.length}</td></tr>`,
)}
</table>`;
}

export function overviewPage(model: Model): { path: string; title: string; body: Html } {
  return {
    path: PATH,
    title: 'Overview',
    body: html`<p>${prose(model.description ?? '')}</p>
<p>See the <a href="${SITE_PATHS.topology}">topology</a> for how messages flow through the broker, a page per service in the menu above, the
<a href="${SITE_PATHS.history}">change history</a>, and the <a href="${SITE_PATHS.reference}">AsyncAPI reference</a> rendered by the official template.</p>
<h2>Services</h2>
${servicesTable(model)}
<h2>Operations</h2>
${operationsTable(model)}
<h2>Messages</h2>
${messagesTable(model)}`,
  };
}
