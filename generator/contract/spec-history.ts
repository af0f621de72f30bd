/**
 * The committed versions of a spec, newest first, as `git log --follow` finds them from HEAD
 * (renames are followed; commits that delete the spec are left out). A version's text and
 * `info.version` are read only when the caller's walk reaches it: a `git show` and a YAML
 * parse (about 10 ms), not a model load.
 */
import { parseDocument } from 'yaml';
import { git } from '../git.js';

export interface CommittedSpec {
  /** Abbreviated to 12 hex digits. */
  commit: string;
  text: string;
  /** `info.version`; undefined when the text is not YAML or has no string there. */
  version: string | undefined;
}

/** Marks a commit in the log output, where the other entries are paths. */
const COMMIT_MARK = 'commit:';

/** Each commit that changed the spec, newest first, with the spec's path at that commit. */
async function specCommits(dir: string, file: string): Promise<{ commit: string; path: string }[]> {
  const log = await git(dir, ['log', '--follow', `--format=${COMMIT_MARK}%H`, '--name-only', '-z', '--', file]);
  const commits: { commit: string; path: string }[] = [];
  for (const entry of (log ?? '').split('\0').map((token) => token.replace(/^\n/, ''))) {
    const previous = commits.at(-1);
    // A merge lists no path: it keeps the path of the newer commit (or the current one, `./file`).
    if (entry.startsWith(COMMIT_MARK))
      commits.push({ commit: entry.slice(COMMIT_MARK.length), path: previous?.path ?? `./${file}` });
    else if (entry !== '' && previous !== undefined) previous.path = entry;
  }
  return commits;
}

/** `info.version` of a spec's text, from its YAML alone. */
export function specVersion(text: string): string | undefined {
  const document = parseDocument(text);
  if (document.errors.length > 0) return undefined;
  const version: unknown = document.getIn(['info', 'version']);
  return typeof version === 'string' ? version : undefined;
}

export async function* committedSpecs(dir: string, file: string): AsyncGenerator<CommittedSpec> {
  for (const { commit, path } of await specCommits(dir, file)) {
    const text = await git(dir, ['show', `${commit}:${path}`]);
    if (text !== undefined) yield { commit: commit.slice(0, 12), text, version: specVersion(text) };
  }
}

/** Whether the repository is a shallow clone, whose history stops before its first commit. */
export async function isShallowClone(dir: string): Promise<boolean> {
  return (await git(dir, ['rev-parse', '--is-shallow-repository']))?.trim() === 'true';
}
