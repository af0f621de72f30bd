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
import {
  ModelIndex,
  receivedMessageNames,
  sentMessageNames,
  serviceDefinition,
  serviceMessageNames,
  type EmittedDefinition,
} from './service-definition.js';
import { printSourceFile } from './typescript.js';

/** The names a facade module declares, all derived from the service name. */
interface FacadeNames {
  handlers: string;
  publishers: string;
  calls: string;
  subscriptions: string;
  specs: string;
  api: string;
  bus: string;
  definition: string;
}

function facadeNames(service: Service): FacadeNames {
  const type = pascalCase(service.name);
  return {
    handlers: `${type}Handlers`,
    publishers: `${type}Publishers`,
    calls: `${type}Calls`,
    subscriptions: `${type}Subscriptions`,
    specs: `${type}Specs`,
    api: `${type}Api`,
    bus: `${type}Bus`,
    definition: `${camelCase(service.name)}Definition`,
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
  const fate =
    queue.deadLetterQueue === undefined ? 'logged and dropped' : `dead-lettered to ${code(queue.deadLetterQueue)}`;
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

function subscriptionMethod(subscription: Subscription): OptionalKind<MethodSignatureStructure> {
  const { channel } = subscription;
  const bound = `Binds (\`subscribe\`) or releases (\`unsubscribe\`) this instance's queue ${code(subscription.queue)} for one routing key of ${routingDoc(channel)}. Counted per key: the first subscription binds, the last release unbinds; re-bound after a reconnect, and then \`bus.onResubscribed.${subscription.methodName}\` is told the values held (what was published meanwhile did not reach the instance).`;
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

function interfaceDeclaration(
  name: string,
  doc: string,
  methods: OptionalKind<MethodSignatureStructure>[],
): InterfaceDeclarationStructure {
  return { kind: StructureKind.Interface, name, isExported: true, docs: [doc], methods };
}

/** A tuple type, one element a line: `[]` when empty. */
function tupleType(elements: string[]): string {
  return elements.length === 0 ? '[]' : `[\n${elements.map((element) => `    ${element},\n`).join('')}  ]`;
}

/**
 * The type of each spec of the definition, in its order and from its names and messages, so that
 * the compiler checks the literal spec by spec instead of deriving these types from the methods'
 * signatures (the interfaces are written from the same operations).
 */
function specsDeclaration(index: ModelIndex, definition: EmittedDefinition, names: FacadeNames): string {
  const typeName = (message: string) => index.message(message).typeName;
  const rpcSpec = (spec: { name: string; requestMessage: string; replyMessage: string }) =>
    `RpcSpec<${quote(spec.name)}, ${typeName(spec.requestMessage)}, ${typeName(spec.replyMessage)}>`;
  const groups = {
    publishers: definition.publishers.map((spec) => `PublisherSpec<${quote(spec.name)}, ${typeName(spec.message)}>`),
    consumers: definition.consumers.map((spec) => `ConsumerSpec<${quote(spec.name)}, ${typeName(spec.message)}>`),
    rpcClients: definition.rpcClients.map(rpcSpec),
    rpcServers: definition.rpcServers.map(rpcSpec),
  };
  const properties = Object.entries(groups).map(([group, specs]) => `  ${group}: ${tupleType(specs)};\n`);
  return `${jsDoc(`The specs of ${definition.service}'s definition, one per method of its interfaces: each is named after its method and its validators are type guards of that method's payloads.`)}
export interface ${names.specs} {
${properties.join('')}}`;
}

function hasHandlers(service: Service): boolean {
  return service.consumes.length > 0 || service.serves.length > 0;
}

function runtimeImports(service: Service): OptionalKind<ImportSpecifierStructure>[] {
  const types = [
    service.calls.length > 0 ? 'CallOptions' : undefined,
    service.consumes.length > 0 ? 'ConsumeContext' : undefined,
    service.consumes.length > 0 ? 'ConsumerSpec' : undefined,
    service.publishes.length > 0 ? 'PublishOptions' : undefined,
    service.publishes.length > 0 ? 'PublisherSpec' : undefined,
    service.serves.length > 0 ? 'RpcContext' : undefined,
    service.calls.length > 0 || service.serves.length > 0 ? 'RpcSpec' : undefined,
    'ServiceBus',
    'TypedServiceDefinition',
  ].filter((name) => name !== undefined);
  return [{ name: 'pickTopology' }, { name: 'serviceFacade' }, ...types.map((name) => ({ name, isTypeOnly: true }))];
}

function importStatements(index: ModelIndex, service: Service): StatementStructures[] {
  const typeNames = serviceMessageNames(service).map((name) => index.message(name).typeName);
  const imports: StatementStructures[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: '../../runtime/index.js',
      namedImports: runtimeImports(service),
    },
    { kind: StructureKind.ImportDeclaration, moduleSpecifier: '../topology.js', namedImports: ['topology'] },
  ];
  if (typeNames.length > 0) {
    imports.push(
      {
        kind: StructureKind.ImportDeclaration,
        isTypeOnly: true,
        moduleSpecifier: '../payloads.js',
        namedImports: typeNames,
      },
      {
        kind: StructureKind.ImportDeclaration,
        moduleSpecifier: '../validators.js',
        namedImports: validatorImports(index, service),
      },
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

function facadeStatements(model: Model, service: Service): (StatementStructures | string)[] {
  const index = new ModelIndex(model);
  const names = facadeNames(service);
  const statements: (StatementStructures | string)[] = importStatements(index, service);
  const apiProperties: { name: string; type: string }[] = [];
  if (hasHandlers(service)) {
    statements.push(
      interfaceDeclaration(
        names.handlers,
        `What ${service.name} must implement: one handler per message it consumes and per RPC it serves. A handler that resolves acknowledges the message.`,
        [
          ...service.consumes.map((subscription) => consumerHandler(index, subscription)),
          ...service.serves.map((use) => rpcServerHandler(index, use)),
        ],
      ),
    );
    apiProperties.push({ name: 'handlers', type: names.handlers });
  }
  if (service.publishes.length > 0) {
    statements.push(
      interfaceDeclaration(
        names.publishers,
        `The events ${service.name} publishes. Each call validates the payload and resolves once the broker confirmed it.`,
        service.publishes.map((publication) => publishMethod(index, publication)),
      ),
    );
    apiProperties.push({ name: 'publish', type: names.publishers });
  }
  if (service.calls.length > 0) {
    statements.push(
      interfaceDeclaration(
        names.calls,
        `The RPCs ${service.name} calls. Each call validates request and reply and rejects with a typed error on timeout or remote failure.`,
        service.calls.map((use) => callMethod(index, use)),
      ),
    );
    apiProperties.push({ name: 'call', type: names.calls });
  }
  const subscribed = perSubscription(service);
  if (subscribed.length > 0) {
    statements.push(
      interfaceDeclaration(
        names.subscriptions,
        `The consumers of ${service.name} bound per routing-key parameter value (\`x-queue bindings: per-subscription\`): they receive only what the instance subscribed to. \`bus.subscribe\` binds a value, \`bus.unsubscribe\` releases it.`,
        subscribed.map(subscriptionMethod),
      ),
    );
    apiProperties.push({ name: 'subscribe', type: names.subscriptions });
  }
  apiProperties.push({ name: 'specs', type: names.specs });
  const definition = serviceDefinition(model, service);
  const starts = hasHandlers(service) ? '; `bus.start(handlers)` starts consuming' : '';
  statements.push(
    specsDeclaration(index, definition, names),
    {
      kind: StructureKind.Interface,
      name: names.api,
      isExported: true,
      docs: [
        `${service.name}'s operations in the contract: what it implements, publishes and calls, and its definition's specs.`,
      ],
      properties: apiProperties,
    },
    {
      kind: StructureKind.Interface,
      name: names.bus,
      isExported: true,
      docs: [`${service.name}'s connection to the broker: exactly the operations the contract grants it.`],
      extends: [`ServiceBus<${names.api}>`],
    },
    `${jsDoc(`Everything the runtime needs to know about ${service.name}: its topology, publishers, consumers and RPCs.`)}
export const ${names.definition}: TypedServiceDefinition<${names.api}> = ${printLiteral(definition)};`,
    `${jsDoc(`Connects ${service.name} to the broker and declares its topology${starts}.`)}
export const connect = serviceFacade(${names.definition});`,
  );
  return statements;
}

/** `services/<service>.ts`: one typed facade per service, exposing exactly the operations it owns. */
export function emitServices(model: Model): GeneratedFile[] {
  return model.services.map((service) =>
    printSourceFile(`services/${service.name}.ts`, {
      statements: [
        ...(service.description === undefined ? [] : [jsDoc(paragraphs(service.description))]),
        ...facadeStatements(model, service),
      ],
    }),
  );
}
