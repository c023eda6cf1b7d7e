import { prometheusScraping } from '../../helpers/scraped-prometheus.ts';
import type { CounterSeries, HistogramSeries } from '../../helpers/metrics-exporter.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

/**
 * A cluster without the TrafficMetrics API, where Prometheus is the only metric source: a real
 * Prometheus scrapes Linkerd-style series for two Deployments, `good` (99.75% success, p99 ≈ 95 ms, clear of the 99% threshold) and
 * `bad` (80% success), and the engine decides from them alone.
 */
const inbound = (deployment: string) => ({ direction: 'inbound', namespace: NAMESPACE, deployment, pod: `${deployment}-5d8f7` });
const responses = (deployment: string, success: number, failure: number): CounterSeries[] => [
  { name: 'response_total', labels: { ...inbound(deployment), classification: 'success', status_code: '200' }, perSecond: success },
  { name: 'response_total', labels: { ...inbound(deployment), classification: 'failure', status_code: '500' }, perSecond: failure },
];
const latency = (deployment: string): HistogramSeries => ({
  name: 'response_latency_ms_bucket',
  labels: inbound(deployment),
  buckets: [
    [10, 50],
    [50, 90],
    [100, 100],
    [500, 100],
  ],
});

// irate and increase need two samples of every series.
const prometheus = prometheusScraping([...responses('good', 399, 1), ...responses('bad', 80, 20)], [latency('good'), latency('bad')], { query: 'count(count_over_time(response_latency_ms_bucket[10s]) >= 3)', accept: (v) => v[0] > 0 });

// Prometheus windows must cover a few 1 s scrapes.
const builtins = [
  { name: 'request-success-rate', interval: '10s', thresholdRange: { min: 99 } },
  { name: 'request-duration', interval: '10s', thresholdRange: { max: 500 } },
];

describe('canary engine with Prometheus as the only metric source (no TrafficMetrics API)', () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start({ trafficMetrics: false });
  });
  afterEach(() => world.stop());

  test('spec.metricsServer: promotes on good values, recording what it measured', async () => {
    await world.ship('good', { metricsServer: prometheus.url, mesh: 'linkerd', analysis: quickAnalysis({ metrics: builtins }) });
    const status = await world.runUntilPhase('good', 'Succeeded');
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    const measured = Object.fromEntries((status.lastAnalysis ?? []).map((a) => [a.metric, a]));
    expect(measured['request-success-rate']).toMatchObject({ result: 'pass' });
    expect(Number(measured['request-success-rate'].value)).toBeCloseTo(99.75, 1);
    expect(Number(measured['request-duration'].value)).toBeGreaterThan(50);
    expect(Number(measured['request-duration'].value)).toBeLessThanOrEqual(100);
  });

  test('spec.metricsServer: rolls back on bad values, naming the value against its threshold', async () => {
    await world.ship('bad', { metricsServer: prometheus.url, mesh: 'linkerd', analysis: quickAnalysis({ metrics: builtins }) });
    const status = await world.runUntilPhase('bad', 'Failed');
    expect(status.canaryWeight).toBe(0);
    expect(Math.max(...world.weightHistory)).toBeLessThanOrEqual(20);
    const rate = status.lastAnalysis?.find((a) => a.metric === 'request-success-rate');
    expect(rate?.result).toBe('fail');
    expect(Number(rate?.value)).toBeCloseTo(80, 0);
    expect((await world.events('bad')).some((e) => /request-success-rate 80(\.0+)?%? .*99/.test(e))).toBe(true);
  });

  test('without metricsServer, the Canary says the TrafficMetrics API is not served and what to do', async () => {
    await world.ship('good', { analysis: quickAnalysis({ metrics: builtins }) });
    const status = await world.advanceUntil('good', (s) => s.conditions?.some((c) => c.type === 'Ready' && c.reason === 'MetricsApiNotServed') ?? false, 'Ready=False MetricsApiNotServed');
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('False');
    expect(ready?.message).toMatch(/TrafficMetrics API not served: set spec.metricsServer/);
    expect(status.phase).not.toBe('Succeeded');
  });

  test('a MetricTemplate with the prometheus provider gates the rollout', async () => {
    await world.custom.createNamespacedCustomObject({
      group: 'kanari.dev',
      version: 'v1alpha1',
      namespace: NAMESPACE,
      plural: 'metrictemplates',
      body: {
        apiVersion: 'kanari.dev/v1alpha1',
        kind: 'MetricTemplate',
        metadata: { name: 'error-percent', namespace: NAMESPACE },
        spec: {
          provider: { type: 'prometheus', address: prometheus.url },
          query:
            'sum(rate(response_total{namespace="{{ namespace }}", deployment="{{ target }}", classification="failure", direction="inbound"}[{{ interval }}])) / ' +
            'sum(rate(response_total{namespace="{{ namespace }}", deployment="{{ target }}", direction="inbound"}[{{ interval }}])) * 100',
        },
      },
    });
    const metrics = [{ name: 'error-percent', interval: '10s', templateRef: { name: 'error-percent' }, thresholdRange: { max: 5 } }];
    await world.ship('good', { analysis: quickAnalysis({ metrics }) });
    await world.ship('bad', { analysis: quickAnalysis({ metrics }) });
    const good = await world.runUntilPhase('good', 'Succeeded');
    const bad = await world.runUntilPhase('bad', 'Failed');
    expect(Number(good.lastAnalysis?.[0].value)).toBeCloseTo(0.25, 1);
    expect(Number(bad.lastAnalysis?.[0].value)).toBeCloseTo(20, 0);
  });
});
