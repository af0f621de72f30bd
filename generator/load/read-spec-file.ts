import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../diagnostics.js';

export async function readSpecFile(file: string): Promise<{ text: string } | { diagnostics: Diagnostic[] }> {
  try {
    return { text: await readFile(file, 'utf8') };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      diagnostics: [
        {
          code: 'unreadable-file',
          message: `cannot read the spec: ${reason}`,
          hint: 'check the path passed with --spec',
          file,
          line: 1,
          column: 1,
        },
      ],
    };
  }
}
