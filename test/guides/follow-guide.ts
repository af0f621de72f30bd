/**
 * Follows a guide in a project copy as a reader would: each step's blocks added where its
 * comments say, its commands run, its printed output compared with what the commands print; then
 * what every guide promises at its end: `npm run contract:check` passes and calls the change
 * compatible, and the tests that read the contract itself still pass. A failure names the step.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { addText } from './add-text.js';
import { guideSteps, type Action } from './guide-steps.js';
import { printedMismatch } from './printed-output.js';
import type { ProjectCopy, Run } from './project-copy.js';

const GUIDES = resolve(import.meta.dirname, '../../docs/guides');

/** The tests that read asyncapi.yaml or generated/ themselves (not a fixture) and need no broker. */
const CONTRACT_TESTS = [
  'test/unit/model/peerprep-model.test.ts',
  'test/compile/type-expectations.test.ts',
  'test/compile/facade-members.test.ts',
];

const SHOWN_LINES = 60;

function tail(output: string): string {
  const lines = stripVTControlCharacters(output).trimEnd().split('\n');
  return (lines.length > SHOWN_LINES ? ['...', ...lines.slice(-SHOWN_LINES)] : lines).join('\n');
}

function failed(command: string, run: Run): Error {
  return new Error(`\`${command}\` failed (exit ${run.code}):\n${tail(run.output)}`);
}

async function perform(copy: ProjectCopy, action: Action): Promise<void> {
  if (action.kind === 'add') {
    const path = join(copy.dir, action.file);
    try {
      await writeFile(path, addText(await readFile(path, 'utf8'), action.place, action.text));
    } catch (error) {
      throw new Error(`adding the block to ${action.file}: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    return;
  }
  const run = await copy.run(action.command);
  if (action.kind === 'run') {
    if (run.code !== 0) throw failed(action.command, run);
    return;
  }
  const mismatch = printedMismatch(action.text, run.output);
  if (mismatch !== undefined)
    throw new Error(
      `\`${action.command}\` does not print what the guide shows: ${mismatch}\n--- it prints:\n${tail(run.output)}`,
    );
}

/** Follows `guide` (a file name in docs/guides) in the copy; `after` says what was applied before, for the failure messages. */
export async function followGuide(copy: ProjectCopy, guide: string, after = ''): Promise<void> {
  const context = after === '' ? '' : ` (after ${after})`;
  const steps = guideSteps(await readFile(join(GUIDES, guide), 'utf8'), guide);
  if (!steps.some((step) => step.actions.some((action) => action.kind === 'add' && action.file === 'asyncapi.yaml'))) {
    throw new Error(`${guide} adds nothing to asyncapi.yaml: no <!-- guide: add to asyncapi.yaml ... --> comment`);
  }
  for (const step of steps) {
    for (const action of step.actions) {
      try {
        await perform(copy, action);
      } catch (error) {
        throw new Error(`${step.name}${context}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }
  }
  const end = `${guide}, at its end${context}`;
  const check = await copy.run('npm run contract:check');
  if (check.code !== 0) throw new Error(`${end}: ${failed('npm run contract:check', check).message}`);
  if (!/ok\s+breaking\s+0 breaking, [1-9]\d* compatible change/.test(check.output)) {
    throw new Error(`${end}: contract:check does not call the change compatible:\n${tail(check.output)}`);
  }
  const tests = `npx vitest run ${CONTRACT_TESTS.join(' ')}`;
  const run = await copy.run(tests);
  if (run.code !== 0) throw new Error(`${end}: ${failed(tests, run).message}`);
}
