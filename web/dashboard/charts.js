// Charts of a run with Chart.js (window.Chart, served by the dashboard): the weight steps, and each
// metric's values against its thresholds or a judge's interval. The same series feed a data table.
import { h, number, unitOf } from './format.js';

const RESULT_COLOURS = { pass: '#15803d', fail: '#c62828', 'no-data': '#7b8794', error: '#b45309' };
const BLUE = '#2563eb';

/** Seconds since the run started, for the x axis. */
function clock(run) {
  const start = Date.parse(run.startTime);
  return (time) => Math.round((Date.parse(time) - start) / 100) / 10;
}

function endOf(run, now) {
  return clock(run)(run.endTime ?? new Date(now).toISOString());
}

/** The canary's weight over the run: a point per moment, held until the next (a step line). */
export function weightSeries(run, now) {
  const t = clock(run);
  const points = [];
  for (const entry of run.entries) {
    points.push({ x: t(entry.time), y: entry.weight });
    if (entry.until) points.push({ x: t(entry.until), y: entry.weight });
  }
  if (points.length > 0) points.push({ x: Math.max(points.at(-1).x, endOf(run, now)), y: points.at(-1).y });
  return points;
}

/** One metric over the run: values with their verdicts, thresholds, and a judge's intervals if any. */
export function metricSeries(run, name) {
  const t = clock(run);
  const values = [];
  const intervals = [];
  let min;
  let max;
  for (const entry of run.entries) {
    const metric = (entry.metrics ?? []).find((m) => m.name === name);
    if (!metric) continue;
    min = metric.min ?? min;
    max = metric.max ?? max;
    values.push({ x: t(entry.time), y: metric.value ?? null, result: metric.result, reason: metric.reason });
    if (metric.interval) intervals.push({ x: t(entry.time), ...metric.interval });
  }
  return { values, min, max, intervals };
}

const timeAxis = (end) => ({
  type: 'linear',
  min: 0,
  suggestedMax: Math.max(10, end),
  title: { display: true, text: 'time since the run started' },
  ticks: { callback: (value) => `${Math.floor(value / 60)}:${String(Math.floor(value % 60)).padStart(2, '0')}` },
});

const base = { animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true };

export function drawWeightChart(canvas, run, now) {
  const points = weightSeries(run, now);
  return new window.Chart(canvas, {
    type: 'line',
    data: { datasets: [{ label: 'canary weight %', data: points, stepped: 'after', borderColor: BLUE, backgroundColor: 'rgba(37,99,235,.12)', fill: 'origin', pointRadius: 3 }] },
    options: { ...base, scales: { x: timeAxis(endOf(run, now)), y: { min: 0, max: 100, title: { display: true, text: 'weight %' } } }, plugins: { legend: { display: false } } },
  });
}

export function drawMetricChart(canvas, run, name, spec, now) {
  const series = metricSeries(run, name);
  const end = endOf(run, now);
  const min = series.min ?? spec?.min;
  const max = series.max ?? spec?.max;
  const line = (label, y, colour) => ({ label, data: [{ x: 0, y }, { x: Math.max(end, 1), y }], borderColor: colour, borderDash: [6, 4], borderWidth: 1.5, pointRadius: 0, fill: false });
  const datasets = [
    {
      label: name,
      data: series.values,
      borderColor: '#334155',
      borderWidth: 1.5,
      pointRadius: 4,
      pointBackgroundColor: series.values.map((v) => RESULT_COLOURS[v.result] ?? '#334155'),
      pointBorderColor: series.values.map((v) => RESULT_COLOURS[v.result] ?? '#334155'),
      spanGaps: true,
    },
  ];
  if (min !== undefined) datasets.push(line(`min ${number(min)}`, min, RESULT_COLOURS.fail));
  if (max !== undefined) datasets.push(line(`max ${number(max)}`, max, RESULT_COLOURS.fail));
  if (series.intervals.length > 0) {
    // A judge's confidence interval as a band, its estimate inside it, and the bar it is held to.
    datasets.push({ label: 'lower', data: series.intervals.map((i) => ({ x: i.x, y: i.lower })), borderColor: 'rgba(37,99,235,.4)', pointRadius: 0, fill: false });
    datasets.push({ label: 'interval', data: series.intervals.map((i) => ({ x: i.x, y: i.upper })), borderColor: 'rgba(37,99,235,.4)', backgroundColor: 'rgba(37,99,235,.15)', pointRadius: 0, fill: '-1' });
    datasets.push({ label: 'estimate', data: series.intervals.map((i) => ({ x: i.x, y: i.estimate })), borderColor: BLUE, pointRadius: 2 });
    datasets.push({ label: 'bar', data: series.intervals.map((i) => ({ x: i.x, y: i.bar })), borderColor: RESULT_COLOURS.fail, borderDash: [6, 4], pointRadius: 0 });
  }
  const unit = unitOf(name);
  return new window.Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      ...base,
      scales: { x: timeAxis(end), y: { title: { display: true, text: unit ? `${name} (${unit})` : name } } },
      plugins: {
        legend: { display: true, labels: { boxWidth: 12 } },
        tooltip: { callbacks: { afterLabel: (item) => item.raw?.result ? `${item.raw.result}${item.raw.reason ? `: ${item.raw.reason}` : ''}` : '' } },
      },
    },
  });
}

/** The plotted points as a table, for people who do not read charts (and for checking what was drawn). */
export function dataTable(headers, rows) {
  return h('details', {}, h('summary', {}, 'data'), h('table', {}, h('thead', {}, h('tr', {}, headers.map((title) => h('th', {}, title)))), h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell) => h('td', {}, cell)))))));
}
