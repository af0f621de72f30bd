/**
 * The contract's history from git: each commit that changed the spec, classified against the
 * version before it. Newest first; at most `limit` commits. Outside a git repository: none.
 */
import { basename, dirname } from 'node:path';
import { classifyChanges } from '../contract/classify.js';
import { git } from '../git.js';
import { loadModelFromText } from '../load/load-model.js';
import type { Model } from '../model/types.js';
import type { HistoryEntry } from './site/history-page.js';

async function modelAt(dir: string, file: string, commit: string): Promise<Model | undefined> {
  const text = await git(dir, ['show', `${commit}:./${file}`]);
  if (text === undefined) return undefined;
  const loaded = await loadModelFromText(text, `${file} at ${commit}`);
  return 'model' in loaded ? loaded.model : undefined;
}

export async function readContractHistory(specPath: string, limit = 20): Promise<HistoryEntry[]> {
  const dir = dirname(specPath);
  const file = basename(specPath);
  const log = await git(dir, ['log', `-${limit}`, '--format=%h%x09%cs%x09%s', '--', file]);
  if (log === undefined) return [];
  const commits = log
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [commit = '', date = '', ...subject] = line.split('\t');
      return { commit, date, subject: subject.join('\t') };
    });
  return Promise.all(
    commits.map(async ({ commit, date, subject }): Promise<HistoryEntry> => {
      const [after, before] = await Promise.all([modelAt(dir, file, commit), modelAt(dir, file, `${commit}~1`)]);
      if (after === undefined)
        return { commit, date, subject, version: '?', note: 'This version does not load with the current generator.' };
      if (before === undefined)
        return {
          commit,
          date,
          subject,
          version: after.version,
          note: 'The contract as added (or the version before does not load).',
        };
      return { commit, date, subject, version: after.version, changes: classifyChanges(before, after) };
    }),
  );
}
