/**
 * The guides in docs/guides/, followed as printed on a copy of the project (follow-guide.ts): each
 * alone, and the event guide then the RPC guide on the same copy, as a reader adding both would.
 * The journeys run side by side: their time is in the commands they run (generate, tsc, vitest).
 */
import { it } from 'vitest';
import { followGuide } from './follow-guide.js';
import { ProjectCopy } from './project-copy.js';

const journeys: string[][] = [['add-an-event.md', 'add-an-rpc.md'], ['add-an-rpc.md']];

it.concurrent.each(journeys.map((guides) => [guides.join(', then '), guides] as const))(
  '%s, as printed: each step does what it says, contract:check calls the change compatible, the contract tests pass',
  async (_name, guides) => {
    const copy = await ProjectCopy.make();
    try {
      for (const [index, guide] of guides.entries()) await followGuide(copy, guide, guides.slice(0, index).join(', '));
    } finally {
      await copy.remove();
    }
  },
  900_000,
);
