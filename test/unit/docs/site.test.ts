/** The site's page emitters and the topology graph, pure over the hand-built PeerPrep model. */
import { describe, expect, it } from 'vitest';
import type { ContractChange } from '../../../generator/contract/change.js';
import { emitSite } from '../../../generator/docs/site/emit-site.js';
import { escapeHtml, html } from '../../../generator/docs/site/html.js';
import { topologyDot } from '../../../generator/docs/site/topology-dot.js';
import { peerPrepModel } from '../../fixtures/model.js';

const change: ContractChange = {
  kind: 'required-property-added',
  pointer: '/components/messages/UserCreated/payload/properties/display_name',
  breaking: true,
  what: 'event userCreated (UserCreated): "display_name" was added as required',
  why: 'breaks producers (user-service)',
};

const files = emitSite(peerPrepModel, {
  topologySvg: '<svg id="stub"></svg>',
  history: [
    {
      commit: 'abc1234',
      date: '2026-11-29',
      subject: 'display_name <required>',
      version: '2.0.0',
      changes: [change, { ...change, kind: 'consumer-moved', consequences: ['binding user.events -> matching.user_events (user.deleted) is no longer in the contract'] }],
    },
    { commit: 'def5678', date: '2026-11-28', subject: 'contract', version: '1.0.0', note: 'The contract as added.' },
  ],
});
const page = (path: string) => files.find((file) => file.path === path)?.content ?? '';

describe('emitSite', () => {
  it('emits the overview, topology, history and one page per service', () => {
    expect(files.map((file) => file.path).sort()).toEqual(
      ['history.html', 'index.html', 'topology.html', ...peerPrepModel.services.map((service) => `services/${service.name}.html`)].sort(),
    );
  });

  it('lists every operation and message on the overview', () => {
    for (const service of peerPrepModel.services) {
      for (const use of [...service.publishes, ...service.consumes, ...service.serves, ...service.calls]) expect(page('index.html')).toContain(use.operationId);
    }
    for (const message of peerPrepModel.messages) expect(page('index.html')).toContain(`id="message-${message.name}"`);
  });

  it('inlines the diagram and links pages relative to where they are', () => {
    expect(page('topology.html')).toContain('<svg id="stub"></svg>');
    expect(page('services/user-service.html')).toContain('href="../topology.html"');
    expect(page('index.html')).toContain('href="reference/index.html"');
  });

  it('shows payload examples on service pages', () => {
    expect(page('services/user-service.html')).toContain('&quot;username&quot;: &quot;ada&quot;');
  });

  it('shows the history with verdicts, escaping commit subjects', () => {
    expect(page('history.html')).toContain('display_name &lt;required&gt;');
    expect(page('history.html')).toContain('<td class="breaking">breaking</td>');
    expect(page('history.html')).toContain('The contract as added.');
    expect(page('history.html')).toContain('<li>binding user.events -&gt; matching.user_events (user.deleted) is no longer in the contract</li>');
  });
});

describe('html', () => {
  it('escapes interpolated text but not nested templates', () => {
    expect(html`<p>${'<b>&"'}</p>${html`<i>${1}</i>`}`.markup).toBe('<p>&lt;b&gt;&amp;&quot;</p><i>1</i>');
    expect(escapeHtml("it's")).toBe('it&#39;s');
  });
});

describe('topologyDot', () => {
  const dot = topologyDot(peerPrepModel);

  it('has a node per service, exchange and queue', () => {
    for (const service of peerPrepModel.services) expect(dot).toContain(`"service:${service.name}" [`);
    for (const exchange of peerPrepModel.exchanges) expect(dot).toContain(`"exchange:${exchange.name}" [`);
    for (const queue of peerPrepModel.queues) expect(dot).toContain(`"queue:${queue.name}" [`);
  });

  it('draws bindings with their patterns, consumers, RPC servers and callers, retries and dead letters', () => {
    expect(dot).toContain('"exchange:user.events" -> "queue:matching.user_events" [label="user.created"]');
    expect(dot).toContain('"queue:matching.user_events" -> "service:matching-service" [label="consumes"]');
    expect(dot).toContain('"service:matching-service" -> "queue:user.profile.get" [label="calls user.profile.get", style="dashed"]');
    expect(dot).toContain('"queue:user.profile.get" -> "service:user-service" [label="serves", style="dashed"]');
    expect(dot).toContain('"queue:matching.user_events" -> "queue:matching.user_events.retry.1000ms" [label="retry"');
    expect(dot).toContain('"queue:matching.user_events" -> "queue:matching.user_events.dlq" [label="dead-letter"');
  });
});
