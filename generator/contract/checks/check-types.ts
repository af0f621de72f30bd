/** Check 4: the whole project (services included) type-checks against `generated/`. */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import type { CheckResult } from './check-result.js';

const SHOWN_LINES = 40;

function tscPath(): string {
  return createRequire(import.meta.url).resolve('typescript/bin/tsc');
}

export function checkTypes(project: string): Promise<CheckResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [tscPath(), '--noEmit', '--pretty', 'false', '--project', project],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ name: 'types', ok: true, summary: `tsc --noEmit --project ${project}: no errors`, details: [] });
          return;
        }
        const lines = `${stdout}${stderr}`.split('\n').filter((line) => line.trim().length > 0);
        const errors = lines.filter((line) => /error TS\d+/.test(line)).length;
        const more = lines.length > SHOWN_LINES ? [`... ${lines.length - SHOWN_LINES} more line(s)`] : [];
        resolve({
          name: 'types',
          ok: false,
          summary: `tsc --noEmit --project ${project}: ${errors} error(s)`,
          details: [...lines.slice(0, SHOWN_LINES), ...more],
        });
      },
    );
  });
}
