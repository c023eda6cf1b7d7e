import type { CounterSeries, HistogramSeries } from '../../helpers/metrics-exporter.ts';

/**
 * Linkerd-, Istio- and OSM-style series for namespace `test` with rates chosen so every built-in has a
 * known answer. Latency: 40% ≤10ms, 45% in (10,25], 12% in (25,50], 3% in (50,100]; so
 * p50 = 10 + (0.10/0.45)·15, p90 = 25 + (0.05/0.12)·25, p99 = 50 + (0.02/0.03)·50.
 */
export const NAMESPACE = 'test';
export const EXPECTED = {
  p50: 10 + (0.1 / 0.45) * 15,
  p90: 25 + (0.05 / 0.12) * 25,
  p99: 50 + (0.02 / 0.03) * 50,
  linkerdSuccessRate: 95,
  istioSuccessRate: 90,
  osmSuccessRate: 80,
  /** requests per second to podinfo in the Linkerd series */
  linkerdSuccessPerSecond: 95,
  linkerdFailurePerSecond: 5,
};

const buckets = (total: number): Array<[number, number]> => [
  [10, 0.4 * total],
  [25, 0.85 * total],
  [50, 0.97 * total],
  [100, total],
  [250, total],
  [500, total],
];

const linkerdInbound = (deployment: string) => ({ direction: 'inbound', namespace: NAMESPACE, deployment, pod: `${deployment}-5d8f7`, tls: 'true' });

export const COUNTERS: CounterSeries[] = [
  // Linkerd: podinfo 95% success; podinfo-primary never failed (no failure series); idle has series but no traffic.
  { name: 'response_total', labels: { ...linkerdInbound('podinfo'), classification: 'success', status_code: '200' }, perSecond: 95 },
  { name: 'response_total', labels: { ...linkerdInbound('podinfo'), classification: 'failure', status_code: '500' }, perSecond: 5 },
  { name: 'response_total', labels: { ...linkerdInbound('podinfo-primary'), classification: 'success', status_code: '200' }, perSecond: 50 },
  { name: 'response_total', labels: { ...linkerdInbound('idle'), classification: 'success', status_code: '200' }, perSecond: 0 },
  { name: 'response_total', labels: { ...linkerdInbound('idle'), classification: 'failure', status_code: '500' }, perSecond: 0 },
  // Linkerd client side: loadtester calls podinfo.
  {
    name: 'response_total',
    labels: { direction: 'outbound', namespace: NAMESPACE, deployment: 'loadtester', dst_namespace: NAMESPACE, dst_deployment: 'podinfo', classification: 'success' },
    perSecond: 95,
  },
  {
    name: 'response_total',
    labels: { direction: 'outbound', namespace: NAMESPACE, deployment: 'loadtester', dst_namespace: NAMESPACE, dst_deployment: 'podinfo', classification: 'failure' },
    perSecond: 5,
  },
  // Istio: a 404 is a success (only 5xx fail): (85 + 5) / 100 = 90%.
  ...[['200', 85], ['404', 5], ['503', 10]].map(([code, perSecond]) => ({
    name: 'istio_requests_total',
    labels: { reporter: 'destination', destination_workload: 'podinfo', destination_workload_namespace: NAMESPACE, source_workload: 'loadtester', source_workload_namespace: NAMESPACE, response_code: String(code) },
    perSecond: Number(perSecond),
  })),
  // The source-side report of the same requests must not be counted twice.
  { name: 'istio_requests_total', labels: { reporter: 'source', destination_workload: 'podinfo', destination_workload_namespace: NAMESPACE, response_code: '503' }, perSecond: 1000 },
  // OSM: 80% success.
  ...[['200', 80], ['500', 20]].map(([code, perSecond]) => ({
    name: 'osm_request_total',
    labels: { destination_namespace: NAMESPACE, destination_kind: 'Deployment', destination_name: 'podinfo', destination_pod: 'podinfo-5d8f7', source_namespace: NAMESPACE, source_kind: 'Deployment', source_name: 'loadtester', source_pod: 'loadtester-1', response_code: String(code) },
    perSecond: Number(perSecond),
  })),
];

export const HISTOGRAMS: HistogramSeries[] = [
  { name: 'response_latency_ms', labels: linkerdInbound('podinfo'), buckets: buckets(100) },
  { name: 'response_latency_ms', labels: linkerdInbound('podinfo-primary'), buckets: buckets(50) },
  { name: 'response_latency_ms', labels: linkerdInbound('idle'), buckets: buckets(0) },
  {
    name: 'response_latency_ms',
    labels: { direction: 'outbound', namespace: NAMESPACE, deployment: 'loadtester', dst_namespace: NAMESPACE, dst_deployment: 'podinfo' },
    buckets: buckets(100),
  },
  { name: 'istio_request_duration_milliseconds', labels: { reporter: 'destination', destination_workload: 'podinfo', destination_workload_namespace: NAMESPACE }, buckets: buckets(100) },
  {
    name: 'osm_request_duration_ms',
    labels: { destination_namespace: NAMESPACE, destination_kind: 'Deployment', destination_name: 'podinfo', destination_pod: 'podinfo-5d8f7', source_namespace: NAMESPACE, source_kind: 'Deployment', source_name: 'loadtester', source_pod: 'loadtester-1' },
    buckets: buckets(100),
  },
];
