/** What `contract:verify-broker` and `broker:migrate` both start from: the contract's model and a vhost's objects. */
import { formatDiagnostic } from '../diagnostics.js';
import { loadModel } from '../load/load-model.js';
import type { Model } from '../model/types.js';
import type { BrokerObjects } from './broker-objects.js';
import { managementConfigFromEnv, readBrokerObjects, type ManagementConfig } from './management-api.js';

/** The command-line options both take (`parseArgs` form). */
export const CONTRACT_AND_VHOST_OPTIONS = {
  spec: { type: 'string', default: 'asyncapi.yaml' },
  vhost: { type: 'string' },
} as const;

export interface ContractAndBroker {
  model: Model;
  config: ManagementConfig;
  broker: BrokerObjects;
  /** `vhost "/" at http://127.0.0.1:15672`, for messages (no credentials). */
  where: string;
}

/** Loads the spec and reads the vhost (`--vhost`, else the environment's); undefined, with the diagnostics printed, when the spec does not load. */
export async function readContractAndBroker(
  spec: string,
  vhost: string | undefined,
): Promise<ContractAndBroker | undefined> {
  const loaded = await loadModel(spec);
  if ('diagnostics' in loaded) {
    for (const diagnostic of loaded.diagnostics) console.error(formatDiagnostic(diagnostic));
    return undefined;
  }
  const config = { ...managementConfigFromEnv(), ...(vhost === undefined ? {} : { vhost }) };
  return {
    model: loaded.model,
    config,
    broker: await readBrokerObjects(config),
    where: `vhost "${config.vhost}" at ${config.url}`,
  };
}
