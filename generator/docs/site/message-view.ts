/** How a message is shown wherever it appears: its name linked to the overview, its examples. */
import type { Message, Model } from '../../model/types.js';
import { html, jsonBlock, type Html } from './html.js';
import { anchor, relativeLink, SITE_PATHS } from './links.js';

export function findMessage(model: Model, name: string): Message {
  const message = model.messages.find((candidate) => candidate.name === name);
  if (message === undefined) throw new Error(`model has no message ${name}`);
  return message;
}

export function messageLink(fromPath: string, name: string): Html {
  return html`<a href="${relativeLink(fromPath, SITE_PATHS.overview)}#${anchor('message', name)}"><code>${name}</code></a>`;
}

/** Every example of the message, each under its name. */
export function messageExamples(message: Message): Html {
  if (message.examples.length === 0) return html`<p class="muted">No example in the contract.</p>`;
  return html`${message.examples.map((example) => html`<p class="muted">Example <code>${example.name}</code> (${message.name}):</p>${jsonBlock(example.payload)}`)}`;
}
