/** history.html: each commit that changed the contract, with its changes as the classifier judges them. */
import type { ContractChange } from '../../contract/change.js';
import { html, prose, type Html } from './html.js';
import { SITE_PATHS } from './links.js';

export interface HistoryEntry {
  /** Abbreviated commit id. */
  commit: string;
  /** Commit date, `YYYY-MM-DD`. */
  date: string;
  subject: string;
  version: string;
  /** Against the version before; undefined where the contract was added or the version before does not load. */
  changes?: ContractChange[];
  /** Why `changes` is missing. */
  note?: string;
}

function changeList(changes: ContractChange[]): Html {
  if (changes.length === 0) return html`<p class="muted">No change to the contract's meaning (formatting or comments only).</p>`;
  return html`<table><tr><th>Verdict</th><th>Change</th><th>Where</th><th>Why</th></tr>
${changes.map(
  (change) => html`<tr><td class="${change.breaking ? 'breaking' : ''}">${change.breaking ? 'breaking' : 'compatible'}</td><td>${prose(change.what)}</td><td><code>${change.pointer}</code></td><td>${prose(change.why)}${consequenceList(change)}</td></tr>`,
)}</table>`;
}

/** What follows from a change (channels moved with an exchange, bindings left on the broker), under its reason. */
function consequenceList(change: ContractChange): Html | string {
  const consequences = change.consequences ?? [];
  return consequences.length === 0 ? '' : html`<ul>${consequences.map((consequence) => html`<li>${prose(consequence)}</li>`)}</ul>`;
}

export function historyPage(history: readonly HistoryEntry[]): { path: string; title: string; body: Html } {
  return {
    path: SITE_PATHS.history,
    title: 'Change history',
    body: html`<p>Newest first. Breaking changes are allowed only with a new major <code>info.version</code>; <code>npm run contract:check</code> enforces it.</p>
${history.length === 0 ? html`<p class="muted">No history: the contract is not in a git repository.</p>` : ''}
${history.map(
  (entry) => html`<h2><code>${entry.commit}</code> ${entry.date}: ${prose(entry.subject)}</h2>
<p>Version ${entry.version}.${entry.note === undefined ? '' : html` <span class="muted">${entry.note}</span>`}</p>
${entry.changes === undefined ? '' : changeList(entry.changes)}`,
)}`,
  };
}
