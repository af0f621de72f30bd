/**
 * Payload schema changes judged by the direction the message travels. Every channel and RPC that
 * is in both contracts is compared where it is used, so a message swapped for another on the same
 * channel is compared too:
 *
 * | flow          | tightens (old payloads rejected)      | loosens (new payloads unknown to the base) |
 * |---------------|---------------------------------------|--------------------------------------------|
 * | event         | breaks producers (and queued messages) | breaks consumers                          |
 * | RPC request   | breaks callers                        | safe: the server owns the RPC, deploys first |
 * | RPC reply     | safe: callers accept a subset          | breaks callers                            |
 *
 * Receivers ignore unknown properties (tolerant readers, see schema-diff.ts), so an optional
 * property added, `additionalProperties: false` set or dropped, and a changed annotation tighten
 * nothing and loosen nothing.
 */
import type { JsonSchema, Model } from '../model/types.js';
import { jsonPointer, type ContractChange } from './change.js';
import { channelParties, listParties, rpcParties } from './parties.js';
import { diffSchemas, type SchemaChange } from './schema-diff.js';

interface Flow {
  /** `event userCreated`, `request of RPC userProfileGet`. */
  label: string;
  /** The verdict on a change that tightens the schema, and on one that loosens it. */
  whenTightened: Verdict;
  whenLoosened: Verdict;
}

interface Verdict {
  breaking: boolean;
  why: string;
}

function eventFlow(base: Model, channelId: string): Flow {
  const { producers, consumers } = channelParties(base, channelId);
  return {
    label: `event ${channelId}`,
    whenTightened: {
      breaking: true,
      why: `breaks ${listParties(producers, 'producers')}: what they send today, and what already waits in queues, fails validation in consumers on the new contract`,
    },
    whenLoosened: {
      breaking: true,
      why: `breaks ${listParties(consumers, 'consumers')}: on the base contract they reject such payloads or rely on what is no longer promised`,
    },
  };
}

function requestFlow(base: Model, rpcId: string): Flow {
  const { callers, servers } = rpcParties(base, rpcId);
  return {
    label: `request of RPC ${rpcId}`,
    whenTightened: {
      breaking: true,
      why: `breaks ${listParties(callers, 'callers')}: requests they send today fail validation in the server on the new contract`,
    },
    whenLoosened: {
      breaking: false,
      why: `the ${listParties(servers, 'server')} owns the RPC and is deployed first; it still accepts every request callers send today`,
    },
  };
}

function replyFlow(base: Model, rpcId: string): Flow {
  const { callers } = rpcParties(base, rpcId);
  return {
    label: `reply of RPC ${rpcId}`,
    whenTightened: { breaking: false, why: 'callers on the base contract accept every reply the new schema allows' },
    whenLoosened: {
      breaking: true,
      why: `breaks ${listParties(callers, 'callers')}: on the base contract they reject such replies or rely on what is no longer promised`,
    },
  };
}

function verdict(change: SchemaChange, flow: Flow): Verdict {
  const verdicts = [
    change.tightens ? flow.whenTightened : undefined,
    change.loosens ? flow.whenLoosened : undefined,
  ].filter((found): found is Verdict => found !== undefined);
  if (verdicts.length === 0) return { breaking: false, why: change.harmless ?? 'the accepted payloads are the same' };
  const breaking = verdicts.filter((found) => found.breaking);
  return breaking.length > 0
    ? { breaking: true, why: breaking.map((found) => found.why).join('; and ') }
    : (verdicts[0] as Verdict);
}

function messageSchema(model: Model, name: string): JsonSchema {
  const message = model.messages.find((candidate) => candidate.name === name);
  if (message === undefined) throw new Error(`model has no message ${name}`);
  return message.schema;
}

function judge(base: Model, current: Model, baseMessage: string, currentMessage: string, flow: Flow): ContractChange[] {
  return diffSchemas(messageSchema(base, baseMessage), messageSchema(current, currentMessage)).map((change) => {
    const { breaking, why } = verdict(change, flow);
    return {
      kind: change.kind,
      pointer: jsonPointer('components', 'messages', currentMessage, 'payload', ...change.path),
      breaking,
      what: `${flow.label} (${currentMessage}): ${change.detail}`,
      why,
    };
  });
}

export function payloadChanges(base: Model, current: Model): ContractChange[] {
  const events = base.channels.flatMap((before) => {
    const after = current.channels.find((channel) => channel.id === before.id);
    return after === undefined ? [] : judge(base, current, before.message, after.message, eventFlow(base, before.id));
  });
  const rpcs = base.rpcs.flatMap((before) => {
    const after = current.rpcs.find((rpc) => rpc.id === before.id);
    if (after === undefined) return [];
    return [
      ...judge(base, current, before.requestMessage, after.requestMessage, requestFlow(base, before.id)),
      ...judge(base, current, before.replyMessage, after.replyMessage, replyFlow(base, before.id)),
    ];
  });
  return [...events, ...rpcs];
}
