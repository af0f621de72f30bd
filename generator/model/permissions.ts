/**
 * The RabbitMQ permissions each service needs to do what the contract grants it, and no more.
 * Pure over the model. Every grant below was checked against RabbitMQ 3.10 (see docs/security.md):
 *
 * - exchange.declare needs `configure` on the exchange, even when it exists; a passive declare
 *   needs nothing. Only publishers get `configure` on an exchange: a service that only binds to
 *   it checks that it exists (the runtime falls back to a passive declare when refused).
 * - queue.declare / queue.delete need `configure` on the queue. A queue with an
 *   `x-dead-letter-exchange` also needs `read` on itself and `write` on that exchange.
 * - queue.bind and queue.unbind need `write` on the queue and `read` on the exchange; on a topic
 *   exchange the binding key must also match the topic permission's `read` regex.
 * - basic.publish needs `write` on the exchange (`amq.default` for the default exchange); on a
 *   topic exchange the routing key must also match the topic permission's `write` regex.
 * - basic.consume needs `read` on the queue; consuming `amq.rabbitmq.reply-to` needs nothing.
 */
import type { Grant, ServicePermissions, TopicPermission } from '../../runtime/permissions.js';
import type { Model, Queue, Service } from './types.js';

/** The default exchange's name in permission checks. */
export const DEFAULT_EXCHANGE_RESOURCE = 'amq.default';
/** RabbitMQ's "no access" for configure / write / read. */
const NO_RESOURCES = '';
/** A topic permission regex no routing key matches (`''` would still match the empty key). */
export const NO_ROUTING_KEYS = '(?!)';

export function servicePermissions(model: Model): ServicePermissions[] {
  return model.services.map((service) => permissionsOf(model, service));
}

function permissionsOf(model: Model, service: Service): ServicePermissions {
  const grants = {
    configure: configureGrants(model, service),
    write: writeGrants(model, service),
    read: readGrants(model, service),
  };
  return {
    service: service.name,
    grants,
    configure: namesRegex(grants.configure),
    write: namesRegex(grants.write),
    read: namesRegex(grants.read),
    topic: topicPermissions(model, service),
  };
}

function ownedQueues(model: Model, service: Service): Queue[] {
  return model.queues.filter((queue) => queue.owner === service.name);
}

function publishedExchanges(service: Service): string[] {
  return unique(service.publishes.map((publication) => publication.channel.exchange));
}

/**
 * The service's bindings as binding-key regexes: the topology's, and for a per-subscription
 * consumer one routing key per parameter value (`session\.[^.*#]+\.code_updated`), so the broker
 * itself refuses a wildcard value.
 */
function bindingRules(model: Model, service: Service): { exchange: string; queue: string; bindingKey: string }[] {
  const owned = new Set(ownedQueues(model, service).map((queue) => queue.name));
  return [
    ...model.bindings
      .filter((binding) => owned.has(binding.queue))
      .map((binding) => ({
        exchange: binding.exchange,
        queue: binding.queue,
        bindingKey: escapeRegex(binding.pattern),
      })),
    ...service.consumes
      .filter((subscription) => subscription.perSubscription)
      .map((subscription) => ({
        exchange: subscription.channel.exchange,
        queue: subscription.queue,
        bindingKey: routingKeyRegex(subscription.channel.routingKey),
      })),
  ];
}

function boundExchanges(model: Model, service: Service): string[] {
  return unique(bindingRules(model, service).map((rule) => rule.exchange));
}

function configureGrants(model: Model, service: Service): Grant[] {
  return [
    ...publishedExchanges(service).map((name) => exchangeGrant(name, 'declares the exchange it publishes to')),
    ...ownedQueues(model, service).map((queue) => queueGrant(queue, `declares its ${queue.role} queue`)),
  ];
}

function writeGrants(model: Model, service: Service): Grant[] {
  const queues = ownedQueues(model, service);
  const bound = new Set(bindingRules(model, service).map((rule) => rule.queue));
  const defaultExchangeUses = [
    service.calls.length > 0 && 'sends RPC requests',
    service.serves.length > 0 && 'sends RPC replies',
    queues.some((queue) => queue.retryQueues?.length || queue.deadLetterQueue) &&
      'moves failed messages to its retry and dead-letter queues',
    queues.some((queue) => queue.arguments['x-dead-letter-exchange'] === '') &&
      'declares queues that dead-letter through it',
  ].filter((use): use is string => typeof use === 'string');
  return [
    ...publishedExchanges(service).map((name) => exchangeGrant(name, 'publishes to it')),
    ...deadLetterExchanges(queues).map((name) => exchangeGrant(name, 'declares queues that dead-letter to it')),
    ...(defaultExchangeUses.length > 0
      ? [exchangeGrant(DEFAULT_EXCHANGE_RESOURCE, defaultExchangeUses.join('; '))]
      : []),
    ...queues.filter((queue) => bound.has(queue.name)).map((queue) => queueGrant(queue, 'binds its queue')),
  ];
}

function readGrants(model: Model, service: Service): Grant[] {
  const consumed = new Set([
    ...service.consumes.map((subscription) => subscription.queue),
    ...service.serves.map((use) => use.rpc.queue),
  ]);
  return [
    ...boundExchanges(model, service).map((name) => exchangeGrant(name, 'binds its queue to it')),
    ...ownedQueues(model, service).flatMap((queue) => {
      if (consumed.has(queue.name)) return [queueGrant(queue, 'consumes it')];
      if (queue.arguments['x-dead-letter-exchange'] !== undefined)
        return [queueGrant(queue, 'declares it with a dead-letter exchange')];
      return [];
    }),
  ];
}

/** Named dead-letter exchanges of the queues (the default exchange is granted separately). */
function deadLetterExchanges(queues: Queue[]): string[] {
  return unique(
    queues
      .map((queue) => queue.arguments['x-dead-letter-exchange'])
      .filter((exchange): exchange is string => typeof exchange === 'string' && exchange !== ''),
  );
}

function topicPermissions(model: Model, service: Service): TopicPermission[] {
  const rules = bindingRules(model, service);
  return model.exchanges
    .filter((exchange) => exchange.type === 'topic')
    .flatMap((exchange) => {
      const routingKeys = service.publishes
        .filter((publication) => publication.channel.exchange === exchange.name)
        .map((publication) => routingKeyRegex(publication.channel.routingKey));
      const bindingKeys = rules.filter((rule) => rule.exchange === exchange.name).map((rule) => rule.bindingKey);
      if (routingKeys.length === 0 && bindingKeys.length === 0) return [];
      return [
        {
          exchange: exchange.name,
          write: alternatives(routingKeys, NO_ROUTING_KEYS),
          read: alternatives(bindingKeys, NO_ROUTING_KEYS),
        },
      ];
    });
}

/** `session.{session_id}.ended` -> `session\.[^.*#]+\.ended`: a parameter is one segment without wildcards (as the runtime enforces). */
export function routingKeyRegex(template: string): string {
  return template
    .split(/(\{[^{}]*\})/)
    .map((part, index) => (index % 2 === 1 ? '[^.*#]+' : escapeRegex(part)))
    .join('');
}

function namesRegex(grants: Grant[]): string {
  return alternatives(
    grants.map((grant) => escapeRegex(grant.name) + (grant.perInstance ? '\\..+' : '')),
    NO_RESOURCES,
  );
}

/** `^(?:a|b)$` over the sorted, distinct alternatives; `none` when there are none. */
function alternatives(regexes: string[], none: string): string {
  const distinct = unique(regexes);
  return distinct.length === 0 ? none : `^(?:${distinct.join('|')})$`;
}

function exchangeGrant(name: string, reason: string): Grant {
  return { name, perInstance: false, reason };
}

function queueGrant(queue: Queue, reason: string): Grant {
  return { name: queue.name, perInstance: queue.perInstance, reason };
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}
