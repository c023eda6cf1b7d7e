// The Canaries: one row each, updated live from the stream.
import { subscribe } from './api.js';
import { ago, checkText, gateText, h, phaseBadge, show, weightBar } from './format.js';

export function renderListPage(main) {
  const body = h('tbody');
  const count = h('span', { class: 'sub' });
  show(
    main,
    h('h1', {}, 'Canaries'),
    count,
    h('table', { id: 'canaries' },
      h('thead', {}, h('tr', {}, ['Canary', 'Phase', 'Weight', 'Last check', 'Waiting on', 'Ready', 'Since'].map((title) => h('th', {}, title)))),
      body),
  );
  const draw = (summaries) => {
    count.textContent = `${summaries.length} Canar${summaries.length === 1 ? 'y' : 'ies'}, live`;
    if (summaries.length === 0) {
      show(body, h('tr', {}, h('td', { colspan: 7, class: 'empty' }, 'No Canaries yet.')));
      return;
    }
    show(body, summaries.map(row));
  };
  return subscribe(draw);
}

function row(canary) {
  const href = `#/canaries/${encodeURIComponent(canary.namespace)}/${encodeURIComponent(canary.name)}`;
  const checks = canary.lastCheck ? [canary.lastCheck.results.map(checkText), h('div', { class: 'muted' }, ago(canary.lastCheck.time))] : h('span', { class: 'muted' }, '-');
  const ready = canary.ready ? `${canary.ready.status}${canary.ready.status !== 'True' && canary.ready.reason ? ` (${canary.ready.reason})` : ''}` : '-';
  return h('tr', { 'data-canary': `${canary.namespace}/${canary.name}` },
    h('td', {}, h('a', { href }, canary.name), h('div', { class: 'muted' }, `${canary.namespace} · ${canary.strategy}`)),
    h('td', {}, phaseBadge(canary.phase), canary.failureReason ? h('div', { class: 'muted' }, canary.failureReason) : null),
    h('td', {}, weightBar(canary.weight)),
    h('td', { 'data-field': 'checks' }, checks),
    h('td', { 'data-field': 'waiting' }, canary.waiting.length ? canary.waiting.map(gateText) : h('span', { class: 'muted' }, '-')),
    h('td', { title: canary.ready?.message ?? '' }, ready),
    h('td', { class: 'muted' }, ago(canary.lastTransitionTime)),
  );
}
