import { prometheusScraping } from '../../helpers/scraped-prometheus.ts';
import { KubeConfig } from '@kubernetes/client-node';
import { CANARY_API_VERSION, type Canary, type CanaryMetric } from '../../../src/api/canary.ts';
import { CanaryMetrics } from '../../../src/controller/canary-metrics.ts';
import { slowBoundary, slowRequestCounts } from '../../../src/engine/judge/index.ts';
import type { ComparisonObservation, ComparisonRequest } from '../../../src/engine/observation.ts';
import { staticSecretReader } from '../../../src/kube/secret-reader.ts';
import type { MetricTemplateLike } from '../../../src/metrics/metric-template.ts';
import type { CounterSeries, HistogramSeries } from '../../helpers/metrics-exporter.ts';

/**
 * Both sides of a comparison counted from a real Prometheus: Linkerd-style counters and latency
 * histograms for the canary (`podinfo`) and the primary (`podinfo-primary`), growing at known rates.
 * The judge's counts are raw differences of the cumulative counters at the interval's two ends; a
 * MetricTemplate's `counts` queries name each side with `{{ workload }}`.
 */
const NAMESPACE = 'test';
const inbound = (deployment: string) => ({ direction: 'inbound', namespace: NAMESPACE, deployment, pod: `${deployment}-5d8f7` });
const RATES = { podinfo: { success: 98, failure: 2 }, 'podinfo-primary': { success: 297, failure: 3 } } as const;
const counters: CounterSeries[] = Object.entries(RATES).flatMap(([deployment, rate]) => [
  { name: 'response_total', labels: { ...inbound(deployment), classification: 'success' }, perSecond: rate.success },
  { name: 'response_total', labels: { ...inbound(deployment), classification: 'failure' }, perSecond: rate.failure },
]);
// The primary's p99 within 250 ms (298 of 300 requests: not exactly 99 %, which would put the p99 on the
// boundary, where the rates' floating-point rounding on a busy machine decides between 250 and 500);
// 5 % of the canary's slower than that.
const histograms: HistogramSeries[] = [
  { name: 'response_latency_ms_bucket', labels: inbound('podinfo-primary'), buckets: [[100, 240], [250, 298], [500, 300]] },
  { name: 'response_latency_ms_bucket', labels: inbound('podinfo'), buckets: [[100, 70], [250, 95], [500, 100]] },
];

// Twelve scrapes, so a ten-second interval has samples at both ends.
const prometheus = prometheusScraping(counters, histograms, { query: 'count(count_over_time(response_total[30s]) >= 12)', accept: (v) => v[0] >= 4 }, 60_000);

const canary = (): Canary => ({
  apiVersion: CANARY_API_VERSION,
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: NAMESPACE },
  spec: { metricsServer: prometheus.url, mesh: 'linkerd', targetRef: { kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: { stepWeight: 10 } },
});

const template: MetricTemplateLike = {
  metadata: { name: 'errors', namespace: NAMESPACE },
  spec: {
    provider: { type: 'prometheus', address: '' },
    query: 'sum(rate(response_total{deployment="{{ target }}"}[{{ interval }}]))',
    counts: {
      requests: 'sum(response_total{namespace="{{ namespace }}", deployment="{{ workload }}"})',
      failures: 'sum(response_total{namespace="{{ namespace }}", deployment="{{ workload }}", classification="failure"})',
    },
  },
};
const templateWithoutCounts: MetricTemplateLike = { metadata: { name: 'rate', namespace: NAMESPACE }, spec: { provider: { type: 'prometheus', address: '' }, query: 'vector(1)' } };

function source(): CanaryMetrics {
  const templates = new Map([template, templateWithoutCounts].map((t) => [t.metadata.name, { ...t, spec: { ...t.spec, provider: { type: 'prometheus' as const, address: prometheus.url } } }]));
  return new CanaryMetrics({ kubeConfig: new KubeConfig(), secretReader: staticSecretReader({}), lookupTemplate: (_ns, name) => templates.get(name) });
}

// Ten seconds that Prometheus has scraped on both sides of.
function lastTenSeconds(kind: ComparisonRequest['kind'] = 'failures'): ComparisonRequest {
  const to = Date.now() - 2000;
  return { from: to - 10_000, to, against: 'primary', kind };
}

function counts(observation: ComparisonObservation) {
  if (observation.result !== 'counts') throw new Error(`expected counts, got ${JSON.stringify(observation)}`);
  return observation.counts;
}

describe.each<[string, CanaryMetric]>([
  ['the mesh built-in request-success-rate', { name: 'request-success-rate', compare: {} }],
  ['a MetricTemplate with counts ({{ workload }} names each side)', { name: 'errors', templateRef: { name: 'errors' }, compare: {} }],
])('%s', (_what, metric) => {
  test('counts both sides over the interval as raw counter differences', async () => {
    const counted = counts(await source().compare(canary(), metric, lastTenSeconds()));
    // Both sides come from the same scrapes, so their differences cover exactly the same time: the
    // primary served three times the canary's requests, and each side failed at its own rate.
    expect(counted.canaryRequests).toBeGreaterThan(0);
    expect(counted.primaryRequests / counted.canaryRequests).toBeCloseTo(3, 6);
    expect(counted.canaryEvents / counted.canaryRequests).toBeCloseTo(0.02, 6);
    expect(counted.primaryEvents / counted.primaryRequests).toBeCloseTo(0.01, 6);
  });
});

test('latency: both sides’ histograms at the interval’s ends and the primary’s over the window before the run', async () => {
  const request = { ...lastTenSeconds('latency'), boundaryWindow: { from: Date.now() - 12_000, to: Date.now() - 2000 } };
  const observed = await source().compare(canary(), { name: 'request-duration', compare: {} }, request);
  if (observed.result !== 'histograms') throw new Error(`expected histograms, got ${JSON.stringify(observed)}`);
  const boundary = slowBoundary(observed.boundaryWindow!);
  expect(boundary).toEqual({ boundaryMs: 250 });
  const slow = slowRequestCounts(250, observed.canary, observed.reference);
  if (!('counts' in slow)) throw new Error(slow.noData);
  expect(slow.counts.canaryEvents / slow.counts.canaryRequests).toBeCloseTo(0.05, 6);
  expect(slow.counts.primaryEvents / slow.counts.primaryRequests).toBeCloseTo(2 / 300, 6);
  expect(slow.counts.primaryRequests / slow.counts.canaryRequests).toBeCloseTo(3, 6);
});

test('against the baseline, the other side is <target>-baseline; with no series yet it served nothing', async () => {
  const counted = counts(await source().compare(canary(), { name: 'request-success-rate', compare: {} }, { ...lastTenSeconds(), against: 'baseline' }));
  expect(counted.primaryRequests).toBe(0);
  expect(counted.canaryRequests).toBeGreaterThan(0);
});

test('a MetricTemplate without counts cannot be compared, and says why', async () => {
  const observed = await source().compare(canary(), { name: 'rate', templateRef: { name: 'rate' }, compare: {} }, lastTenSeconds());
  expect(observed).toEqual({
    result: 'error',
    errorReason: 'NotComparable',
    reason: 'MetricTemplate test/rate has no spec.counts: a rate cannot be judged against the primary; add counts.requests and counts.failures',
  });
});
