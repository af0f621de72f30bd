/** Loads the seeded question bank and checks every question against the contract's `Question`. */
import { readFileSync } from 'node:fs';
import { formatViolations, type Validator } from '../../runtime/index.js';
import type { Question } from '../../generated/payloads.js';

export const DEFAULT_SEED = new URL('./questions.json', import.meta.url);

export function loadQuestions(file: URL | string, validate: Validator<Question>): Question[] {
  const entries: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${String(file)}: expected a JSON array of questions`);
  const questions: Question[] = [];
  const ids = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    if (!validate(entry))
      throw new Error(
        `${String(file)}: question ${index} is not a contract Question: ${formatViolations(validate.errors ?? [])}`,
      );
    if (ids.has(entry.question_id)) throw new Error(`${String(file)}: question id ${entry.question_id} appears twice`);
    ids.add(entry.question_id);
    questions.push(entry);
  }
  return questions;
}
