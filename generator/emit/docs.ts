/** JSDoc text assembled from contract descriptions. */

/** Paragraphs joined by a blank line; empty and repeated paragraphs are dropped. */
export function paragraphs(...parts: (string | undefined)[]): string {
  const kept: string[] = [];
  for (const part of parts) {
    const text = part?.trim();
    if (text !== undefined && text.length > 0 && !kept.includes(text)) kept.push(text);
  }
  return kept.join('\n\n').replace(/\*\//g, '*\\/');
}

/** An inline code span for names on the wire. */
export function code(text: string): string {
  return `\`${text}\``;
}

/** A JSDoc block for a statement written as text. */
export function jsDoc(text: string): string {
  const lines = text.split('\n');
  if (lines.length === 1) return `/** ${text} */`;
  return ['/**', ...lines.map((line) => (line.length === 0 ? ' *' : ` * ${line}`)), ' */'].join('\n');
}
