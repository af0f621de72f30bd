import type { Model } from '../model/types.js';
import { emitBarrel } from './barrel.js';
import { emitDefinitions } from './definitions.js';
import type { Emitter, GeneratedFile } from './generated-file.js';
import { emitPayloads } from './payloads.js';
import { emitPermissions } from './permissions.js';
import { emitSchemas } from './schemas.js';
import { emitServices } from './services.js';
import { emitTopology } from './topology.js';
import { emitValidators } from './validators.js';

export type { GeneratedFile } from './generated-file.js';

const EMITTERS: Emitter[] = [
  emitPayloads,
  emitSchemas,
  emitValidators,
  emitTopology,
  emitDefinitions,
  emitPermissions,
  emitServices,
  emitBarrel,
];

/** Every generated file for a model, in a stable order. */
export async function emitAll(model: Model): Promise<GeneratedFile[]> {
  const groups = await Promise.all(EMITTERS.map(async (emit) => emit(model)));
  return groups.flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
