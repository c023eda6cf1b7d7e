import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBuiltinMetrics } from '../../../src/metrics/builtin-metrics.ts';
import { MetricsError } from '../../../src/metrics/metrics-error.ts';
import { SmiTrafficMetricsReader, API_NOT_SERVED_MESSAGE } from '../../../src/metrics/smi-traffic-metrics.ts';
import { TRAFFIC_METRICS_RESOURCES } from '../../../src/metrics/traffic-metrics-handler.ts';
import { startApiServer, type SandboxApiServer } from '../../../src/sandbox/apiserver/index.ts';

// The sandbox API server with a scripted TrafficMetrics handler mounted through its aggregation hook:
// each workload name below answers with one of the shapes smi-metrics produced.
type Script = { status: number; body: unknown };
const scripts = new Map<string, Script>();
const seen: string[] = [];

const metric = (name: string, value: string, unit?: string) => (unit ? { name, unit, value } : { name, value });
const trafficMetrics = (name: string, metrics: unknown[]) => ({
  kind: 'TrafficMetrics',
  apiVersion: 'metrics.smi-spec.io/v1alpha1',
  metadata: { name, namespace: 'app', creationTimestamp: '2019-06-17T14:26:22Z' },
  timestamp: '2019-06-17T14:26:22Z',
  window: '30s',
  resource: { kind: 'Deployment', namespace: 'app', name },
  edge: { direction: 'from', resource: null },
  metrics,
});
const healthy = (p99: string, success: string, failure: string, unit = 'ms') => [
  metric('p99_response_latency', p99, unit),
  metric('p90_response_latency', '268750m', unit),
  metric('p50_response_latency', '162500m', unit),
  metric('success_count', success),
  metric('failure_count', failure),
];

scripts.set('web', { status: 200, body: trafficMetrics('web', healthy('296875m', '73492m', '0')) });
scripts.set('flaky', { status: 200, body: trafficMetrics('flaky', healthy('120', '90', '10')) });
scripts.set('seconds', { status: 200, body: trafficMetrics('seconds', healthy('1500m', '50', '0', 'seconds')) });
scripts.set('no-series', { status: 500, body: { error: 'unable to lookup metrics' } });
scripts.set('not-found', { status: 404, body: { error: 'not found' } });
scripts.set('zero', { status: 200, body: trafficMetrics('zero', healthy('0', '0', '0')) });
scripts.set('nan', { status: 200, body: trafficMetrics('nan', healthy('-9223372036854775808m', '12', '0')) });
// Kanari's own servers leave out a latency nothing measured: the counts still give a success rate.
scripts.set('no-latency', { status: 200, body: trafficMetrics('no-latency', healthy('10', '5', '0').slice(3)) });
scripts.set('missing', { status: 200, body: trafficMetrics('missing', healthy('10', '5', '0').slice(0, 3)) });
scripts.set('empty-list', {
  status: 200,
  body: { kind: 'TrafficMetricsList', apiVersion: 'metrics.smi-spec.io/v1alpha1', metadata: {}, resource: { kind: 'Deployment', namespace: 'app', name: 'empty-list' }, items: null },
});
scripts.set('prometheus-down', { status: 500, body: { error: 'Post "http://prometheus:9090/api/v1/query": dial tcp: connection refused' } });

function scriptedTrafficMetrics(request: IncomingMessage, response: ServerResponse): void {
  seen.push(request.url ?? '');
  const name = new URL(request.url ?? '/', 'http://x').pathname.split('/').at(-1) ?? '';
  const script = scripts.get(name) ?? { status: 500, body: { error: 'unable to lookup metrics' } };
  response.writeHead(script.status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(script.body));
}

let server: SandboxApiServer;
let reader: SmiTrafficMetricsReader;

beforeAll(async () => {
  server = await startApiServer();
  server.mountAggregatedApi('metrics.smi-spec.io', 'v1alpha1', TRAFFIC_METRICS_RESOURCES, scriptedTrafficMetrics);
  reader = new SmiTrafficMetricsReader({ kubeConfig: server.kubeConfig });
});

afterAll(async () => {
  await server?.stop();
});

const workload = (name: string) => ({ namespace: 'app', name });

test('reads Quantity strings: success rate and p99 of the smi.md example', async () => {
  expect(await reader.requestSuccessRate(workload('web'), 30_000)).toEqual({ kind: 'value', value: 100 });
  expect(await reader.requestDuration(workload('web'), 30_000)).toEqual({ kind: 'value', value: 296.875 });
  expect(await reader.requestSuccessRate(workload('flaky'), 60_000)).toEqual({ kind: 'value', value: 90 });
  expect(seen).toContain('/apis/metrics.smi-spec.io/v1alpha1/namespaces/app/deployments/flaky?t=1m0s');
});

test('a tick\'s two built-in checks of one workload cost one request, and later ticks read afresh', async () => {
  const path = '/apis/metrics.smi-spec.io/v1alpha1/namespaces/app/deployments/flaky?t=2m0s';
  const requests = () => seen.filter((url) => url === path).length;
  const [rate, duration] = await Promise.all([reader.requestSuccessRate(workload('flaky'), 120_000), reader.requestDuration(workload('flaky'), 120_000)]);
  expect([rate, duration]).toEqual([{ kind: 'value', value: 90 }, { kind: 'value', value: 120 }]);
  expect(requests()).toBe(1);
  await reader.requestSuccessRate(workload('flaky'), 120_000);
  expect(requests()).toBe(2);
});

test('honours unit: seconds are converted to milliseconds', async () => {
  expect(await reader.requestDuration(workload('seconds'), 30_000)).toEqual({ kind: 'value', value: 1500 });
});

test.each([
  // smi-metrics' 500 "unable to lookup metrics" means nobody called it: said so, without the HTTP detail.
  ['no-series', /^no requests to deployment app\/no-series recorded in the last 30s$/],
  ['not-found', /HTTP 404/],
  ['zero', /zero requests/],
  ['missing', /success_count missing/],
  ['empty-list', /no item for deployment app\/empty-list/],
])('%s is no data for both checks, never a pass', async (name, reason) => {
  for (const result of [await reader.requestSuccessRate(workload(name), 30_000), await reader.requestDuration(workload(name), 30_000)]) {
    expect(result.kind).toBe('no-data');
    expect(result.kind === 'no-data' && result.reason).toMatch(reason);
  }
});

test('a huge negative latency (NaN cast to int64 by the server) is no data', async () => {
  expect(await reader.requestSuccessRate(workload('nan'), 30_000)).toEqual({ kind: 'value', value: 100 });
  expect(await reader.requestDuration(workload('nan'), 30_000)).toMatchObject({ kind: 'no-data', reason: expect.stringMatching(/negative p99 latency/) });
});

test('latencies left out (nothing measured) are no data for duration; the counts still give the success rate', async () => {
  expect(await reader.requestSuccessRate(workload('no-latency'), 30_000)).toEqual({ kind: 'value', value: 100 });
  expect(await reader.requestDuration(workload('no-latency'), 30_000)).toEqual({ kind: 'no-data', reason: 'no p99 latency for deployment app/no-latency in the TrafficMetrics answer' });
});

test('another server error is QueryFailed with its text', async () => {
  await expect(reader.requestSuccessRate(workload('prometheus-down'), 30_000)).rejects.toMatchObject({
    reason: 'QueryFailed',
    message: expect.stringContaining('connection refused'),
  });
});

test('a TrafficMetrics selector query reads one named value', async () => {
  expect(await reader.query('/namespaces/app/deployments/web?t=30s&metric=p90_response_latency')).toEqual({ kind: 'value', value: 268.75 });
  expect(await reader.query('/namespaces/app/deployments/flaky?metric=success_rate')).toEqual({ kind: 'value', value: 90 });
  await expect(reader.query('deployments/web')).rejects.toBeInstanceOf(MetricsError);
});

test('the group not being served is MetricsApiNotServed with the message a person can act on', async () => {
  const bare = await startApiServer();
  try {
    const source = createBuiltinMetrics({ source: 'smi', kubeConfig: bare.kubeConfig });
    const error = (await source.requestSuccessRate(workload('web'), 30_000).catch((e: unknown) => e)) as MetricsError;
    expect(error).toBeInstanceOf(MetricsError);
    expect(error.reason).toBe('MetricsApiNotServed');
    expect(error.message).toBe(API_NOT_SERVED_MESSAGE);
  } finally {
    await bare.stop();
  }
});

test('an API server that is down is ProviderUnreachable', async () => {
  const gone = await startApiServer();
  const kubeConfig = gone.kubeConfig;
  await gone.stop();
  await expect(new SmiTrafficMetricsReader({ kubeConfig }).requestDuration(workload('web'), 30_000)).rejects.toMatchObject({ reason: 'ProviderUnreachable' });
});
