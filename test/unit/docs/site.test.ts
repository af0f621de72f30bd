/** The site's page emitters and the topology graph, pure over the hand-built PeerPrep model. */
import { describe, expect, it } from 'vitest';
import type { ContractChange } from '../../../generator/contract/change.js';
import { emitSite } from '../../../generator/docs/site/emit-site.js';
import { escapeHtml, html, prose } from '../../../generator/docs/site/html.js';
import { retrySummary, topologyDot } from '../../../generator/docs/site/topology-dot.js';
import type { Queue } from '../../../generator/model/types.js';
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
      changes: [
        change,
        {
          ...change,
          kind: 'consumer-moved',
          consequences: ['binding user.events -> matching.user_events (user.deleted) is no longer in the contract'],
        },
      ],
    },
    { commit: 'def5678', date: '2026-11-28', subject: 'contract', version: '1.0.0', note: 'The contract as added.' },
  ],
});
const page = (path: string) => files.find((file) => file.path === path)?.content ?? '';

describe('emitSite', () => {
  it('emits the overview, topology, history and one page per service', () => {
    expect(files.map((file) => file.path).sort()).toEqual(
      [
        'history.html',
        'index.html',
        'topology.html',
        ...peerPrepModel.services.map((service) => `services/${service.name}.html`),
      ].sort(),
    );
  });

  it('lists every operation and message on the overview', () => {
    for (const service of peerPrepModel.services) {
      for (const use of [...service.publishes, ...service.consumes, ...service.serves, ...service.calls])
        expect(page('index.html')).toContain(use.operationId);
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
    expect(page('history.html')).toContain(
      '<li>binding user.events -&gt; matching.user_events (user.deleted) is no longer in the contract</li>',
    );
  });
});

describe('html', () => {
  it('escapes interpolated text but not nested templates', () => {
    expect(html`<p>${'<b>&"'}</p>${html`<i>${1}</i>`}`.markup).toBe('<p>&lt;b&gt;&amp;&quot;</p><i>1</i>');
    expect(escapeHtml("it's")).toBe('it&#39;s');
  });

  it('renders `code spans` of contract prose as <code>, escaping the rest', () => {
    expect(prose('Publishes `match.found` when <two> users `pair`; a lone ` stays').markup).toBe(
      'Publishes <code>match.found</code> when &lt;two&gt; users <code>pair</code>; a lone ` stays',
    );
  });

  it('service pages name what a developer types beside the operation ids', () => {
    const page =
      emitSite(peerPrepModel, { topologySvg: '<svg></svg>', history: [] }).find(
        (file) => file.path === 'services/matching-service.html',
      )?.content ?? '';
    expect(page).toContain(
      'In code: <code>bus.publish.matchFound(payload)</code>. Operation <code>publishMatchFound</code>',
    );
    expect(page).toContain('In code: handler <code>userCreated</code>. Operation <code>consumeUserCreated</code>');
    expect(page).toContain('In code: <code>await bus.call.userProfileGet(request)</code>');
  });
});

describe('topologyDot', () => {
  const dot = topologyDot(peerPrepModel);

  it('has a node per service, exchange and consumer or RPC queue; retry and dead-letter queues are no nodes', () => {
    for (const service of peerPrepModel.services) expect(dot).toContain(`"service:${service.name}" [`);
    for (const exchange of peerPrepModel.exchanges) expect(dot).toContain(`"exchange:${exchange.name}" [`);
    for (const queue of peerPrepModel.queues) {
      const drawn = queue.role === 'consumer' || queue.role === 'rpc';
      expect(dot.includes(`"queue:${queue.name}" [`), queue.name).toBe(drawn);
    }
  });

  it('draws bindings with their patterns, consumers, RPC servers and callers', () => {
    expect(dot).toContain('"exchange:user.events" -> "queue:matching.user_events" [label="user.created"]');
    expect(dot).toContain('"queue:matching.user_events" -> "service:matching-service" [label="consumes"]');
    expect(dot).toContain(
      '"service:matching-service" -> "queue:user.profile.get" [label="calls user.profile.get", style="dashed"]',
    );
    expect(dot).toContain('"queue:user.profile.get" -> "service:user-service" [label="serves", style="dashed"]');
  });

  it("summarises a consumer queue's retries and dead letters on its node, the queue names in delay order in its tooltip", () => {
    const userEvents = /"queue:matching\.user_events" \[([^\]]*)\]/.exec(dot)?.[1] ?? '';
    expect(userEvents).toContain('retries 1s, 2s, 4s, 8s, then DLQ');
    expect(userEvents).toContain(
      'tooltip="matching.user_events\\nretry 1 after 1s: matching.user_events.retry.1000ms\\nretry 2 after 2s: matching.user_events.retry.2000ms\\nretry 3 after 4s: matching.user_events.retry.4000ms\\nretry 4 after 8s: matching.user_events.retry.8000ms\\ndead letters: matching.user_events.dlq"',
    );
    expect(userEvents).toContain('URL="#queue-matching_user_events"');
  });

  it.each([
    ['1 s and 250 ms', [250, 1000], true, 'retries 250ms, 1s, then DLQ'],
    ['minutes, no dead-letter queue', [30_000, 120_000], false, 'retries 30s, 2min, then dropped'],
    ['no retry', [], true, 'no retry, then DLQ'],
  ] as const)('retry summary: %s', (_name, delaysMs, deadLetter, want) => {
    const queue = {
      name: 'q',
      role: 'consumer',
      retry: {
        maxAttempts: delaysMs.length + 1,
        initialDelayMs: 0,
        multiplier: 2,
        maxDelayMs: 0,
        delaysMs: [...delaysMs],
      },
      ...(deadLetter ? { deadLetterQueue: 'q.dlq' } : {}),
    };
    expect(retrySummary(queue as unknown as Queue)).toBe(want);
  });
});

describe('topology page', () => {
  it('lists each queue followed by its retry queues in delay order, then its dead-letter queue', () => {
    const retryFirst = { ...peerPrepModel, queues: [...peerPrepModel.queues].reverse() };
    const topology =
      emitSite(retryFirst, { topologySvg: '<svg></svg>', history: [] }).find((file) => file.path === 'topology.html')
        ?.content ?? '';
    const rows = [...topology.matchAll(/<tr id="queue-([^"]+)"/g)].map((match) => match[1]);
    const at = (name: string) => rows.indexOf(name);
    expect(at('matching_user_events')).toBeGreaterThanOrEqual(0);
    expect([
      at('matching_user_events'),
      at('matching_user_events_retry_1000ms'),
      at('matching_user_events_retry_2000ms'),
      at('matching_user_events_retry_4000ms'),
      at('matching_user_events_retry_8000ms'),
      at('matching_user_events_dlq'),
    ]).toEqual(Array.from({ length: 6 }, (_, i) => at('matching_user_events') + i));
  });
});
