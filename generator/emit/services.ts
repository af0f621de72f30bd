import {
  StructureKind,
  type ImportSpecifierStructure,
  type InterfaceDeclarationStructure,
  type MethodSignatureStructure,
  type OptionalKind,
  type StatementStructures,
} from 'ts-morph';
import type { EventChannel, Model, Publication, Queue, RpcUse, Service, Subscription } from '../model/types.js';
import { code, jsDoc, paragraphs } from './docs.js';
import type { GeneratedFile } from './generated-file.js';
import { printLiteral } from './literal.js';
import { camelCase, pascalCase, propertyName, quote, receivedValidatorName, validatorName } from './names.js';
import { ModelIndex, receivedMessageNames, sentMessageNames, serviceDefinition, serviceMessageNames } from './service-definition.js';
import { createSourceFilePrinter } from './typescript.js';

/** The names a facade module declares, all derived from the service name. */
interface FacadeNames {
  handlers: string;
  publishers: string;
  calls: string;
  subscriptions: string;
  bus: string;
  options: string;
  definition: string;
  busFunction: string;
}

function facadeNames(service: Service): FacadeNames {
  const type = pascalCase(service.name);
  return {
    handlers: `${type}Handlers`,
    publishers: `${type}Publishers`,
    calls: `${type}Calls`,
    subscriptions: `${type}Subscriptions`,
    bus: `${type}Bus`,
    options: `${type}Options`,
    definition: `${camelCase(service.name)}Definition`,
    busFunction: `${camelCase(service.name)}Bus`,
  };
}

/** The routing-key parameters of a channel as an object type: `{ session_id: string }`. */
function paramsType(channel: EventChannel): string {
  if (channel.parameters.length === 0) return 'Record<string, never>';
  return `{ ${channel.parameters.map((parameter) => `${propertyName(parameter.name)}: string`).join('; ')} }`;
}

function routingDoc(channel: EventChannel): string {
  return `exchange ${code(channel.exchange)}, routing key ${code(channel.routingKey)}`;
}

function paramsDoc(channel: EventChannel): string | undefined {
  if (channel.parameters.length === 0) return undefined;
  const described = channel.parameters.map((parameter) =>
    parameter.description === undefined ? code(parameter.name) : `${code(parameter.name)}: ${parameter.description}`,
  );
  return `@param params Routing-key parameters (${described.join('; ')}).`;
}

function retryDoc(queue: Queue): string {
  const retries = (queue.retry?.maxAttempts ?? 1) - 1;
  const fate = queue.deadLetterQueue === undefined ? 'logged and dropped' : `dead-lettered to ${code(queue.deadLetterQueue)}`;
  if (retries === 0) return `A failed message is not retried: it is ${fate}.`;
  return `A failed message is retried ${retries} times (after ${queue.retry?.delaysMs.join(', ')} ms), then ${fate}.`;
}

function publishMethod(index: ModelIndex, publication: Publication): OptionalKind<MethodSignatureStructure> {
  const { channel } = publication;
  const delivery = [
    publication.mandatory ? 'An unroutable message is an error.' : 'An unroutable message is not an error.',
    publication.persistent ? undefined : 'Transient: not persisted by the broker.',
  ].filter((sentence) => sentence !== undefined);
  const routed = `Publishes ${code(channel.message)} on ${routingDoc(channel)}. ${delivery.join(' ')}`;
  const params = channel.parameters.length === 0 ? [] : [{ name: 'params', type: paramsType(channel) }];
  return {
    name: publication.methodName,
    docs: [paragraphs(channel.description, publication.description, routed, paramsDoc(channel))],
    parameters: [
      { name: 'payload', type: index.message(channel.message).typeName },
      ...params,
      { name: 'options', type: 'PublishOptions', hasQuestionToken: true },
    ],
    returnType: 'Promise<void>',
  };
}

function consumerHandler(index: ModelIndex, subscription: Subscription): OptionalKind<MethodSignatureStructure> {
  const { channel } = subscription;
  const queue = index.queue(subscription.queue);
  const from = `from queue ${code(queue.name)}${queue.perInstance ? ' (one per instance)' : ''}`;
  const consumed = `Consumes ${code(channel.message)} (${routingDoc(channel)}) ${from}. ${retryDoc(queue)}`;
  return {
    name: subscription.methodName,
    docs: [paragraphs(channel.description, subscription.description, consumed)],
    parameters: [
      { name: 'event', type: index.message(channel.message).typeName },
      { name: 'context', type: `ConsumeContext<${paramsType(channel)}>` },
    ],
    returnType: 'Promise<void> | void',
  };
}

function subscriptionMethod(subscription: Subscription): OptionalKind<MethodSignatureStructure> {
  const { channel } = subscription;
  const bound = `Binds (\`subscribe\`) or releases (\`unsubscribe\`) this instance's queue ${code(subscription.queue)} for one routing key of ${routingDoc(channel)}. Counted per key: the first subscription binds, the last release unbinds; re-bound after a reconnect.`;
  return {
    name: subscription.methodName,
    docs: [paragraphs(channel.description, bound, paramsDoc(channel))],
    parameters: [{ name: 'params', type: paramsType(channel) }],
    returnType: 'Promise<void>',
  };
}

function perSubscription(service: Service): Subscription[] {
  return service.consumes.filter((subscription) => subscription.perSubscription);
}

function rpcSummary(index: ModelIndex, use: RpcUse): string {
  const { rpc } = use;
  return `request ${code(index.message(rpc.requestMessage).typeName)}, reply ${code(index.message(rpc.replyMessage).typeName)}`;
}

function rpcServerHandler(index: ModelIndex, use: RpcUse): OptionalKind<MethodSignatureStructure> {
  const reply = index.message(use.rpc.replyMessage).typeName;
  const served = `Serves RPC queue ${code(use.rpc.queue)}: ${rpcSummary(index, use)}. A thrown error is sent back to the caller as a remote error.`;
  return {
    name: use.methodName,
    docs: [paragraphs(use.rpc.description, use.description, served)],
    parameters: [
      { name: 'request', type: index.message(use.rpc.requestMessage).typeName },
      { name: 'context', type: 'RpcContext' },
    ],
    returnType: `Promise<${reply}> | ${reply}`,
  };
}

function callMethod(index: ModelIndex, use: RpcUse): OptionalKind<MethodSignatureStructure> {
  const called = `Calls RPC queue ${code(use.rpc.queue)} through the default exchange: ${rpcSummary(index, use)}.`;
  return {
    name: use.methodName,
    docs: [paragraphs(use.rpc.description, use.description, called)],
    parameters: [
      { name: 'request', type: index.message(use.rpc.requestMessage).typeName },
      { name: 'options', type: 'CallOptions', hasQuestionToken: true },
    ],
    returnType: `Promise<${index.message(use.rpc.replyMessage).typeName}>`,
  };
}

function interfaceDeclaration(name: string, doc: string, methods: OptionalKind<MethodSignatureStructure>[]): InterfaceDeclarationStructure {
  return { kind: StructureKind.Interface, name, isExported: true, docs: [doc], methods };
}

function hasHandlers(service: Service): boolean {
  return service.consumes.length > 0 || service.serves.length > 0;
}

function runtimeImports(service: Service): OptionalKind<ImportSpecifierStructure>[] {
  const types = [
    service.calls.length > 0 ? 'CallOptions' : undefined,
    'ConnectOptions',
    service.consumes.length > 0 ? 'ConsumeContext' : undefined,
    service.publishes.length > 0 ? 'PublishOptions' : undefined,
    service.serves.length > 0 ? 'RpcContext' : undefined,
    'ServiceConnection',
    'ServiceDefinition',
  ].filter((name) => name !== undefined);
  return [{ name: 'connectService' }, { name: 'pickTopology' }, ...types.map((name) => ({ name, isTypeOnly: true }))];
}

function importStatements(index: ModelIndex, service: Service): StatementStructures[] {
  const typeNames = serviceMessageNames(service).map((name) => index.message(name).typeName);
  const imports: StatementStructures[] = [
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../../runtime/index.js', namedImports: runtimeImports(service) },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../topology.js', namedImports: ['topology'] },
  ];
  if (typeNames.length > 0) {
    imports.push(
      { kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: '../payloads.js', namedImports: typeNames },
      { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../validators.js', namedImports: validatorImports(index, service) },
    );
  }
  return imports;
}

/** The strict validators of what the service sends and the tolerant ones of what it receives, sorted. */
function validatorImports(index: ModelIndex, service: Service): string[] {
  const typeName = (name: string) => index.message(name).typeName;
  return [
    ...sentMessageNames(service).map((name) => validatorName(typeName(name))),
    ...receivedMessageNames(service).map((name) => receivedValidatorName(typeName(name))),
  ].sort();
}

/** `{ name: (a, b) => target.name(a, b), ... }`, one line per method. */
function forwardingObject(methodNames: string[], parameters: string, body: (methodName: string) => string): string {
  if (methodNames.length === 0) return '{}';
  return `{\n${methodNames.map((name) => `    ${name}: (${parameters}) => ${body(name)},\n`).join('')}  }`;
}

function busBody(index: ModelIndex, service: Service): string {
  const bus: string[] = [];
  if (service.publishes.length > 0) {
    const publishers = service.publishes.map((publication) => {
      const hasParams = publication.channel.parameters.length > 0;
      const parameters = hasParams ? 'payload, params, options' : 'payload, options';
      return `    ${publication.methodName}: (${parameters}) => connection.publish(${quote(publication.methodName)}, ${hasParams ? 'params' : '{}'}, payload, options),\n`;
    });
    bus.push(`publish: {\n${publishers.join('')}  },`);
  }
  if (service.calls.length > 0) {
    const calls = service.calls.map((use) => {
      const reply = index.message(use.rpc.replyMessage).typeName;
      return `    ${use.methodName}: (request, options) => connection.call(${quote(use.methodName)}, request, options) as Promise<${reply}>,\n`;
    });
    bus.push(`call: {\n${calls.join('')}  },`);
  }
  const subscribed = perSubscription(service).map((subscription) => subscription.methodName);
  if (subscribed.length > 0) {
    bus.push(
      `subscribe: ${forwardingObject(subscribed, 'params', (name) => `connection.subscribe(${quote(name)}, params)`)},`,
      `unsubscribe: ${forwardingObject(subscribed, 'params', (name) => `connection.unsubscribe(${quote(name)}, params)`)},`,
    );
  }
  bus.push('close: () => connection.close(),', 'metrics: connection.metrics,', 'instanceId: connection.instanceId,');
  return `return {\n${bus.map((line) => `  ${line}`).join('\n')}\n};`;
}

/** Hands the runtime the handlers, made from the typed bus when the service passed a function. */
function connectBody(service: Service, names: FacadeNames): string {
  if (!hasHandlers(service)) {
    return `const connection = await connectService(${names.definition}, { consumers: {}, rpcServers: {} }, options);
return ${names.busFunction}(connection);`;
  }
  const consumers = forwardingObject(
    service.consumes.map((subscription) => subscription.methodName),
    'event, context',
    (name) => `implemented.${name}(event, context)`,
  );
  const rpcServers = forwardingObject(
    service.serves.map((use) => use.methodName),
    'request, context',
    (name) => `implemented.${name}(request, context)`,
  );
  return `const { handlers, ...connectOptions } = options;
const connection = await connectService(${names.definition}, (connection) => {
  const implemented = typeof handlers === 'function' ? handlers(${names.busFunction}(connection)) : handlers;
  return {
    consumers: ${consumers.replaceAll('\n', '\n  ')},
    rpcServers: ${rpcServers.replaceAll('\n', '\n  ')},
  };
}, connectOptions);
return ${names.busFunction}(connection);`;
}

function facadeStatements(model: Model, service: Service): (StatementStructures | string)[] {
  const index = new ModelIndex(model);
  const names = facadeNames(service);
  const statements: (StatementStructures | string)[] = importStatements(index, service);
  const busProperties: { name: string; type: string; isReadonly: boolean; docs: string[] }[] = [];
  if (hasHandlers(service)) {
    statements.push(
      interfaceDeclaration(
        names.handlers,
        `What ${service.name} must implement: one handler per message it consumes and per RPC it serves. A handler that resolves acknowledges the message.`,
        [...service.consumes.map((subscription) => consumerHandler(index, subscription)), ...service.serves.map((use) => rpcServerHandler(index, use))],
      ),
    );
  }
  if (service.publishes.length > 0) {
    statements.push(
      interfaceDeclaration(
        names.publishers,
        `The events ${service.name} publishes. Each call validates the payload and resolves once the broker confirmed it.`,
        service.publishes.map((publication) => publishMethod(index, publication)),
      ),
    );
    busProperties.push({ name: 'publish', type: names.publishers, isReadonly: true, docs: ['Publish an event.'] });
  }
  if (service.calls.length > 0) {
    statements.push(
      interfaceDeclaration(
        names.calls,
        `The RPCs ${service.name} calls. Each call validates request and reply and rejects with a typed error on timeout or remote failure.`,
        service.calls.map((use) => callMethod(index, use)),
      ),
    );
    busProperties.push({ name: 'call', type: names.calls, isReadonly: true, docs: ['Call a remote procedure.'] });
  }
  if (perSubscription(service).length > 0) {
    statements.push(
      interfaceDeclaration(
        names.subscriptions,
        `The consumers of ${service.name} bound per routing-key parameter value (\`x-queue bindings: per-subscription\`): they receive only what the instance subscribed to.`,
        perSubscription(service).map(subscriptionMethod),
      ),
    );
    busProperties.push(
      { name: 'subscribe', type: names.subscriptions, isReadonly: true, docs: ['Start receiving one parameter value of a per-subscription consumer; resolves once bound.'] },
      { name: 'unsubscribe', type: names.subscriptions, isReadonly: true, docs: ['Release one subscription; the last release of a value unbinds it.'] },
    );
  }
  statements.push({
    kind: StructureKind.Interface,
    name: names.bus,
    isExported: true,
    docs: [`${service.name}'s connection to the broker: exactly the operations the contract grants it.`],
    extends: ["Pick<ServiceConnection, 'close' | 'metrics' | 'instanceId'>"],
    properties: busProperties,
  });
  if (hasHandlers(service)) {
    statements.push({
      kind: StructureKind.Interface,
      name: names.options,
      isExported: true,
      extends: ['ConnectOptions'],
      properties: [
        {
          name: 'handlers',
          type: `${names.handlers} | ((bus: ${names.bus}) => ${names.handlers})`,
          docs: [
            'The handlers, or a function that makes them from the bus. Use the function when a handler publishes or calls: messages can arrive before `connect` resolves.',
          ],
        },
      ],
    });
  }
  statements.push(
    `${jsDoc(`Everything the runtime needs to know about ${service.name}: its topology, publishers, consumers and RPCs.`)}
export const ${names.definition}: ServiceDefinition = ${printLiteral(serviceDefinition(model, service))};`,
    {
      kind: StructureKind.Function,
      isExported: true,
      isAsync: true,
      name: 'connect',
      docs: [`Connects ${service.name} to the broker, declares its topology${hasHandlers(service) ? ' and starts its handlers' : ''}.`],
      parameters: [
        hasHandlers(service)
          ? { name: 'options', type: names.options }
          : { name: 'options', type: 'ConnectOptions', initializer: '{}' },
      ],
      returnType: `Promise<${names.bus}>`,
      statements: connectBody(service, names),
    },
    {
      kind: StructureKind.Function,
      name: names.busFunction,
      docs: [`Wraps the runtime's connection in ${service.name}'s typed bus.`],
      parameters: [{ name: 'connection', type: 'ServiceConnection' }],
      returnType: names.bus,
      statements: busBody(index, service),
    },
  );
  return statements;
}

/** `services/<service>.ts`: one typed facade per service, exposing exactly the operations it owns. */
export function emitServices(model: Model): GeneratedFile[] {
  const printFile = createSourceFilePrinter();
  return model.services.map((service) =>
    printFile(`services/${service.name}.ts`, {
      statements: [
        ...(service.description === undefined ? [] : [jsDoc(paragraphs(service.description))]),
        ...facadeStatements(model, service),
      ],
    }),
  );
}
