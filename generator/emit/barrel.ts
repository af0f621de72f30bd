import type { Model } from '../model/types.js';
import type { GeneratedFile } from './generated-file.js';
import { camelCase } from './names.js';
import { printSourceFile } from './typescript.js';

/** `index.ts`: each service's facade as a namespace (`matchingService.connect(...)`), the payload types and schemas, and the topology. */
export function emitBarrel(model: Model): GeneratedFile[] {
  return [
    printSourceFile('index.ts', {
      statements: [
        ...model.services.map(
          (service) => `export * as ${camelCase(service.name)} from './services/${service.name}.js';`,
        ),
        "export type * from './payloads.js';",
        "export { schemas } from './schemas.js';",
        "export { topology } from './topology.js';",
      ],
    }),
  ];
}
