/**
 * The README is the front door: short, and every relative link in it and in docs/ leads to a file
 * that exists (a page moved or renamed without its links fails here, not in a reader's browser).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const README_MAX_LINES = 150;

function markdownFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** Relative link targets, without their `#anchor`; web and mail links and bare anchors are left out. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, target]) => target!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z]+:/i.test(target));
}

describe('the README and docs', () => {
  it(`the README stays a short front door (at most ${README_MAX_LINES} lines)`, () => {
    const lines = readFileSync(join(root, 'README.md'), 'utf8').trimEnd().split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each([join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))].map((file) => [relative(root, file), file]))(
    '%s: every relative link leads to a file that exists',
    (_name, file) => {
      const missing = relativeLinks(readFileSync(file, 'utf8')).filter(
        (target) => !existsSync(join(dirname(file), decodeURI(target))),
      );
      expect(missing).toEqual([]);
    },
  );
});
