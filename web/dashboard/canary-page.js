// One Canary: where it is now, the current run's weight and metrics over time, its timeline, the past
// runs, its Events, and (when enabled) the manual actions, sent with the person's own token.
import { getJson, postAction, subscribe } from './api.js';
import { dataTable, drawMetricChart, drawWeightChart, metricSeries, weightSeries } from './charts.js';
import { age, ago, checkText, gateText, h, number, phaseBadge, range, show, unitOf, weightBar } from './format.js';

const TOKEN_KEY = 'kanari-token';

export function renderCanaryPage(main, namespace, name, config) {
  const top = h('div');
  const body = h('div');
  show(main, h('p', {}, h('a', { href: '#/' }, '← Canaries')), top, config.actions ? actionsCard(namespace, name) : null, body);
  show(top, h('h1', {}, name), h('div', { class: 'sub' }, `loading ${namespace}/${name}…`));
  let charts = [];
  let seen;
  let loads = 0;
  const load = async () => {
    const mine = ++loads;
    try {
      const detail = await getJson(`api/canaries/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`);
      if (mine !== loads) return;
      for (const chart of charts) chart.destroy();
      charts = draw(top, body, detail);
    } catch (err) {
      if (mine === loads) show(top, h('h1', {}, name), h('div', { class: 'alert warn' }, err.message));
    }
  };
  const unsubscribe = subscribe((summaries) => {
    const summary = summaries.find((s) => s.namespace === namespace && s.name === name);
    const version = summary?.resourceVersion ?? 'gone';
    if (version !== seen) {
      seen = version;
      void load();
    }
  });
  return () => {
    loads++;
    unsubscribe();
    for (const chart of charts) chart.destroy();
  };
}

function draw(top, body, detail) {
  const { summary, analysis, run } = detail;
  const now = Date.now();
  show(
    top,
    h('h1', {}, summary.name),
    h('div', { class: 'sub' }, `${summary.namespace} · ${summary.strategy} · ${summary.target}`),
    h('div', { class: 'card facts', id: 'facts' },
      fact('Phase', phaseBadge(summary.phase), summary.failureReason ? ` ${summary.failureReason}` : ''),
      fact('Weight', weightBar(summary.weight)),
      fact('Step', stepText(summary, analysis)),
      fact('Failed checks', `${summary.failedChecks}/${summary.threshold}`),
      fact('Revision', summary.revision ?? '-'),
      fact('In this phase', summary.lastTransitionTime ? age(now - Date.parse(summary.lastTransitionTime)) : '-'),
      fact('Ready', summary.ready ? `${summary.ready.status}${summary.ready.reason ? ` (${summary.ready.reason})` : ''}` : '-'),
      fact('Analysis', `every ${analysis.interval}, rolls back at ${analysis.threshold} failed checks`),
    ),
    summary.waiting.length ? h('div', { class: 'alert info', 'data-field': 'waiting' }, 'Waiting on: ', summary.waiting.map(gateText)) : null,
    preflightAlert(detail.preflight),
    detail.pendingRequests.length ? h('div', { class: 'alert info' }, `Not acted on yet: ${detail.pendingRequests.map((r) => `${r.action} by ${r.by}`).join(', ')}`) : null,
  );
  const charts = [];
  const parts = [];
  if (run) {
    parts.push(h('h2', {}, run.outcome ? `Last run: ${run.outcome}` : 'Current run'));
    parts.push(h('div', { class: 'sub', id: 'run' },
      `revision ${run.revision} · started ${ago(run.startTime)} · ${run.endTime ? `took ${age(Date.parse(run.endTime) - Date.parse(run.startTime))}` : `running for ${age(now - Date.parse(run.startTime))}`}` +
        `${run.reason ? ` · ${run.reason}` : ''}${run.droppedEntries ? ` · ${run.droppedEntries} earlier moments not kept` : ''}`));
    const grid = h('div', { class: 'charts' });
    parts.push(grid);
    const weightCanvas = h('canvas', { id: 'chart-weight', role: 'img' });
    const weights = weightSeries(run, now);
    weightCanvas.setAttribute('aria-label', `canary weight over the run: ${weights.map((p) => p.y).join(', ')}`);
    grid.append(chartCard('Canary weight', weightCanvas, dataTable(['t (s)', 'weight %'], weights.map((p) => [p.x, p.y]))));
    charts.push(drawWeightChart(weightCanvas, run, now));
    const names = [...new Set([...analysis.metrics.map((m) => m.name), ...run.entries.flatMap((e) => (e.metrics ?? []).map((m) => m.name))])];
    for (const metric of names) {
      const spec = analysis.metrics.find((m) => m.name === metric);
      const series = metricSeries(run, metric);
      const canvas = h('canvas', { id: `chart-metric-${metric}`, role: 'img', 'data-metric': metric });
      canvas.setAttribute('aria-label', `${metric} over the run: ${series.values.map((v) => `${number(v.y)} ${v.result}`).join(', ')}`);
      const title = `${metric} ${range(series.min ?? spec?.min, series.max ?? spec?.max)}${unitOf(metric) ? ` ${unitOf(metric)}` : ''}`;
      grid.append(chartCard(title, canvas, dataTable(['t (s)', 'value', 'result'], series.values.map((v) => [v.x, number(v.y), v.result])), metric));
      charts.push(drawMetricChart(canvas, run, metric, spec, now));
    }
    parts.push(h('h2', {}, 'Timeline'), timeline(run));
  } else {
    parts.push(h('div', { class: 'card muted' }, 'No run yet: the timeline starts with the next new revision.'));
  }
  parts.push(h('h2', {}, 'Past runs'), pastRuns(detail.pastRuns));
  parts.push(h('h2', {}, 'Events'), events(detail.events));
  if (detail.conditions.length) parts.push(h('h2', {}, 'Conditions'), conditions(detail.conditions));
  show(body, parts);
  return charts;
}

function fact(label, ...value) {
  return h('div', {}, h('span', {}, label), value);
}

function stepText(summary, analysis) {
  if (summary.strategy !== 'canary') return `${analysis.iterations ?? 1} iterations`;
  const steps = analysis.steps.slice(1);
  return `${steps.filter((w) => w <= summary.weight).length} of ${steps.length} (${steps.join(', ')})`;
}

function preflightAlert(preflight) {
  if (!preflight) return null;
  if (preflight.result === 'warn') return h('div', { class: 'alert warn', id: 'preflight' }, `TrafficAccess: ${preflight.message}`);
  if (preflight.result === 'ok') return h('div', { class: 'alert ok', id: 'preflight' }, `TrafficAccess: ${preflight.message}`);
  return h('div', { class: 'muted', id: 'preflight' }, `TrafficAccess: ${preflight.message}`);
}

function chartCard(title, canvas, table, metric) {
  return h('div', { class: 'chart', 'data-chart': metric ?? 'weight' }, h('h3', {}, title), h('div', { class: 'plot' }, canvas), table);
}

function timeline(run) {
  const start = Date.parse(run.startTime);
  const rows = run.entries.map((entry) =>
    h('tr', {},
      h('td', { class: 'num' }, `+${age(Date.parse(entry.time) - start)}`, entry.repeats ? h('div', { class: 'muted' }, `×${entry.repeats + 1} until +${age(Date.parse(entry.until) - start)}`) : null),
      h('td', {}, entry.phase),
      h('td', { class: 'num' }, `${entry.weight}%`),
      h('td', {}, entry.events.join(', ') || '-', entry.failedChecks ? h('div', { class: 'muted' }, `failed checks ${entry.failedChecks}`) : null),
      h('td', {}, (entry.metrics ?? []).map((m) => h('div', {}, checkText(m), m.interval ? ` (${number(m.interval.lower)}–${number(m.interval.upper)}, bar ${number(m.interval.bar)})` : '', m.reason ? h('span', { class: 'muted' }, ` ${m.reason}`) : null))),
      h('td', {}, (entry.gates ?? []).map((g) => h('div', { class: `check ${g.ok ? 'pass' : 'fail'}` }, `${g.ok ? '✓' : '✗'} ${g.type} ${g.name}${g.reason ? `: ${g.reason}` : ''}`))),
      h('td', {}, (entry.manual ?? []).map((m) => h('div', {}, `${m.action} by ${m.by}`))),
    ));
  return h('table', { id: 'timeline' }, h('thead', {}, h('tr', {}, ['When', 'Phase', 'Weight', 'What happened', 'Checks', 'Gates', 'Manual'].map((t) => h('th', {}, t)))), h('tbody', {}, rows));
}

function pastRuns(runs) {
  if (runs.length === 0) return h('div', { class: 'card muted', id: 'past-runs' }, 'None yet.');
  return h('table', { id: 'past-runs' },
    h('thead', {}, h('tr', {}, ['Revision', 'Outcome', 'Reason', 'Started', 'Duration', 'Steps', 'Max weight'].map((t) => h('th', {}, t)))),
    h('tbody', {}, runs.map((r) => h('tr', {},
      h('td', {}, r.revision),
      h('td', {}, phaseBadge(r.outcome)),
      h('td', {}, r.reason ?? '-'),
      h('td', { title: r.startTime }, ago(r.startTime)),
      h('td', { class: 'num' }, age(r.durationSeconds * 1000)),
      h('td', { class: 'num' }, r.steps),
      h('td', { class: 'num' }, `${r.maxWeight}%`),
    ))));
}

function events(list) {
  if (list.length === 0) return h('div', { class: 'card muted', id: 'events' }, 'No Events (they expire after an hour by default; the timeline above does not).');
  return h('table', { id: 'events' },
    h('thead', {}, h('tr', {}, ['Type', 'Reason', 'Age', 'Count', 'Message'].map((t) => h('th', {}, t)))),
    h('tbody', {}, list.map((e) => h('tr', {}, h('td', {}, e.type), h('td', {}, e.reason), h('td', {}, ago(e.lastTime)), h('td', { class: 'num' }, e.count), h('td', {}, e.message)))));
}

function conditions(list) {
  return h('table', { id: 'conditions' },
    h('thead', {}, h('tr', {}, ['Type', 'Status', 'Reason', 'Message'].map((t) => h('th', {}, t)))),
    h('tbody', {}, list.map((c) => h('tr', {}, h('td', {}, c.type), h('td', {}, c.status), h('td', {}, c.reason ?? '-'), h('td', {}, c.message ?? '')))));
}

function actionsCard(namespace, name) {
  const token = h('input', { type: 'password', id: 'token', placeholder: 'your Kubernetes bearer token', autocomplete: 'off' });
  token.value = sessionStorage.getItem(TOKEN_KEY) ?? '';
  const result = h('div', { id: 'action-result' });
  const button = (action, label, danger) =>
    h('button', {
      type: 'button',
      'data-action': action,
      class: danger ? 'danger' : undefined,
      onclick: async () => {
        sessionStorage.setItem(TOKEN_KEY, token.value.trim());
        show(result, h('div', { class: 'alert info' }, `${label}…`));
        const answer = await postAction(namespace, name, action, token.value.trim());
        show(result, h('div', { class: `alert ${answer.ok ? 'ok' : 'warn'}`, 'data-status': answer.status }, answer.message));
      },
    }, label);
  return h('div', { class: 'card' },
    h('form', { class: 'actions', onsubmit: (event) => event.preventDefault() },
      token,
      button('promote', 'Promote (open the next gate)'),
      button('promote-full', 'Promote now'),
      button('pause', 'Pause'),
      button('resume', 'Resume'),
      button('retry', 'Retry'),
      button('abort', 'Abort', true)),
    h('div', { class: 'muted' }, 'Each action writes the same annotation as the CLI, with your token: the dashboard asks the API server whether you may patch this Canary and never uses its own rights.'),
    result);
}
