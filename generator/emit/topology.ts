import type { Model } from '../model/types.js';
import type { GeneratedFile } from './generated-file.js';
import { jsDoc } from './docs.js';
import { printLiteral } from './literal.js';
import { contractTopology } from './topology-data.js';
import { printSourceFile } from './typescript.js';

const TOPOLOGY_DOC = `Every exchange, queue and binding in the contract. Per-instance queues are declared by each
process with its instance id appended to the name.`;

/** `topology.ts`: every exchange, queue and binding of the contract as typed data. */
export function emitTopology(model: Model): GeneratedFile[] {
  return [
    printSourceFile('topology.ts', {
      statements: [
        "import type { Topology } from '../runtime/definition.js';",
        `${jsDoc(TOPOLOGY_DOC)}\nexport const topology: Topology = ${printLiteral(contractTopology(model))};`,
      ],
    }),
  ];
}
