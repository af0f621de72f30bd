/**
 * Puts generated files on disk: deterministically (same files, same bytes), atomically (the
 * whole tree is built beside the output directory and swapped in; an error leaves the old tree
 * as it was) and completely (files that are no longer generated disappear with the old tree).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix, relative, sep } from 'node:path';
import type { GeneratedFile } from './emit/index.js';

/** How a directory differs from what the generator makes. Paths are relative, sorted. */
export interface TreeDiff {
  /** Generated, but the file on disk has other contents. */
  stale: string[];
  /** Generated, but not on disk. */
  missing: string[];
  /** On disk, but no longer generated. */
  extra: string[];
}

export function isUpToDate(diff: TreeDiff): boolean {
  return diff.stale.length === 0 && diff.missing.length === 0 && diff.extra.length === 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function checkedPath(path: string): string {
  const normal = posix.normalize(path);
  if (
    path.length === 0 ||
    posix.isAbsolute(path) ||
    normal !== path ||
    normal.startsWith('../') ||
    path.includes('\\')
  ) {
    throw new Error(`generated file path must be relative, normalised and POSIX: ${JSON.stringify(path)}`);
  }
  return path;
}

/** LF line endings and exactly one trailing newline. */
function normalisedContent(content: string): string {
  return `${content.replace(/\r\n?/g, '\n').replace(/\n*$/, '')}\n`;
}

/** The files exactly as they are written: valid paths, normalised contents, sorted by path. */
export function normaliseFiles(files: readonly GeneratedFile[]): GeneratedFile[] {
  const byPath = new Map<string, GeneratedFile>();
  for (const file of files) {
    const path = checkedPath(file.path);
    if (byPath.has(path)) throw new Error(`generated twice: ${path}`);
    byPath.set(path, { path, content: normalisedContent(file.content) });
  }
  return [...byPath.values()].sort((a, b) => compareText(a.path, b.path));
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => !entry.isDirectory())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .sort(compareText);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Compares `outDir` with the files the generator makes. Writes nothing. */
export async function diffTree(outDir: string, files: readonly GeneratedFile[]): Promise<TreeDiff> {
  const wanted = normaliseFiles(files);
  const onDisk = new Set(await listFiles(outDir));
  const diff: TreeDiff = { stale: [], missing: [], extra: [] };
  for (const file of wanted) {
    if (!onDisk.has(file.path)) diff.missing.push(file.path);
    else if ((await readFile(join(outDir, file.path), 'utf8')) !== file.content) diff.stale.push(file.path);
    onDisk.delete(file.path);
  }
  diff.extra.push(...onDisk);
  return diff;
}

async function writeFiles(dir: string, files: readonly GeneratedFile[]): Promise<void> {
  for (const file of files) {
    const target = join(dir, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content, 'utf8');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Replaces `outDir` by `staging`; if the second rename fails the old tree goes back. */
async function swapIn(staging: string, outDir: string, backup: string): Promise<void> {
  if (!(await exists(outDir))) {
    await rename(staging, outDir);
    return;
  }
  await rename(outDir, backup);
  try {
    await rename(staging, outDir);
  } catch (error) {
    await rename(backup, outDir);
    throw error;
  }
  await rm(backup, { recursive: true, force: true });
}

/**
 * Makes `outDir` hold exactly `files`. Does nothing when it already does (no timestamps change).
 * Returns how the directory differed before the write.
 */
export async function writeTree(outDir: string, files: readonly GeneratedFile[]): Promise<TreeDiff> {
  const wanted = normaliseFiles(files);
  const diff = await diffTree(outDir, wanted);
  if (isUpToDate(diff)) return diff;
  const nonce = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const staging = join(dirname(outDir), `.${basename(outDir)}.staging-${nonce}`);
  const backup = join(dirname(outDir), `.${basename(outDir)}.previous-${nonce}`);
  try {
    await writeFiles(staging, wanted);
    await swapIn(staging, outDir, backup);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return diff;
}
