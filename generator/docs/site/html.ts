/**
 * HTML written as tagged templates: every interpolated value is escaped unless it is already
 * `Html` (a nested template, or markup made by `trustedHtml`); arrays are joined.
 */
export interface Html {
  readonly markup: string;
}

type Fragment = Html | string | number | boolean | undefined | null | readonly Fragment[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

function render(fragment: Fragment): string {
  if (fragment === undefined || fragment === null || fragment === false) return '';
  if (Array.isArray(fragment)) return fragment.map(render).join('');
  if (typeof fragment === 'object') return (fragment as Html).markup;
  return escapeHtml(String(fragment));
}

export function html(strings: TemplateStringsArray, ...values: Fragment[]): Html {
  return { markup: strings.reduce((out, text, index) => out + text + (index < values.length ? render(values[index]) : ''), '') };
}

/** Markup that is already safe: Graphviz's SVG output. */
export function trustedHtml(markup: string): Html {
  return { markup };
}

/** A payload or any JSON value, pretty-printed in a code block. */
export function jsonBlock(value: unknown): Html {
  return html`<pre class="json"><code>${JSON.stringify(value, null, 2)}</code></pre>`;
}

/** Prose from the contract: `code spans` become <code>, everything else is escaped text. */
export function prose(text: string): Html {
  return html`${text.split(/(`[^`\n]+`)/).map((part) => (part.length > 2 && part.startsWith('`') && part.endsWith('`') ? html`<code>${part.slice(1, -1)}</code>` : part))}`;
}
