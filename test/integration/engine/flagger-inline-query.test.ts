import { prometheusScraping } from '../../helpers/scraped-prometheus.ts';
import type { CounterSeries } from '../../helpers/metrics-exporter.ts';
import { EngineHarness, NAMESPACE, quickAnalysis } from './engine-harness.ts';

/**
 * Flagger's inline metric `query`, run as written against the Canary's metricsServer by a real
 * Prometheus scraping Linkerd-style series of `good` (0.25% errors) and `bad` (20% errors); beside a
 * templateRef, both are checked, as in Flagger.
 */
const series = (deployment: string, success: number, failure: number): CounterSeries[] => [
  { name: 'response_total', labels: { direction: 'inbound', namespace: NAMESPACE, deployment, classification: 'success' }, perSecond: success },
  { name: 'response_total', labels: { direction: 'inbound', namespace: NAMESPACE, deployment, classification: 'failure' }, perSecond: failure },
];
const errorPercent = (deployment: string) =>
  `sum(rate(response_total{namespace="${NAMESPACE}", deployment="${deployment}", classification="failure"}[10s])) / sum(rate(response_total{namespace="${NAMESPACE}", deployment="${deployment}"}[10s])) * 100`;

const prometheus = prometheusScraping([...series('good', 399, 1), ...series('bad', 80, 20)], [], { query: 'count(count_over_time(response_total[10s]) >= 3)', accept: (v) => v[0] > 0 });

describe("Flagger's inline metric query", () => {
  let world: EngineHarness;

  beforeEach(async () => {
    world = await EngineHarness.start({ trafficMetrics: false });
  });
  afterEach(() => world.stop());

  test('runs on the Canary\'s metricsServer and gates the run both ways', async () => {
    await world.ship('good', { metricsServer: prometheus.url, analysis: quickAnalysis({ metrics: [{ name: '5xx percentage', interval: '10s', query: errorPercent('good'), threshold: 1 }] }) });
    await world.ship('bad', { metricsServer: prometheus.url, analysis: quickAnalysis({ metrics: [{ name: '5xx percentage', interval: '10s', query: errorPercent('bad'), threshold: 1 }] }) });
    const good = await world.runUntilPhase('good', 'Succeeded');
    const bad = await world.runUntilPhase('bad', 'Failed');
    expect(Number(good.lastAnalysis?.[0].value)).toBeCloseTo(0.25, 1);
    expect(good.lastAnalysis?.[0]).toMatchObject({ metric: '5xx percentage', result: 'pass' });
    expect(Number(bad.lastAnalysis?.[0].value)).toBeCloseTo(20, 0);
    expect((await world.events('bad')).some((e) => /5xx percentage 20(\.\d+)? > 1/.test(e))).toBe(true);
  });

  test('beside a templateRef, the metric passes only when both pass', async () => {
    await world.custom.createNamespacedCustomObject({
      group: 'kanari.dev',
      version: 'v1alpha1',
      namespace: NAMESPACE,
      plural: 'metrictemplates',
      body: {
        apiVersion: 'kanari.dev/v1alpha1',
        kind: 'MetricTemplate',
        metadata: { name: 'good-errors', namespace: NAMESPACE },
        spec: { provider: { type: 'prometheus', address: prometheus.url }, query: errorPercent('good') },
      },
    });
    // The template alone would pass (0.25%); the inline query beside it fails (20%).
    const metrics = [{ name: 'errors', interval: '10s', templateRef: { name: 'good-errors' }, query: errorPercent('bad'), thresholdRange: { max: 1 } }];
    await world.ship('bad', { metricsServer: prometheus.url, analysis: quickAnalysis({ metrics }) });
    const status = await world.runUntilPhase('bad', 'Failed');
    expect(status.lastAnalysis?.[0]).toMatchObject({ metric: 'errors', result: 'fail' });
    expect(Number(status.lastAnalysis?.[0].value)).toBeCloseTo(20, 0);
  });

  test('without a metrics server the metric fails and says where to set one', async () => {
    await world.ship('good', { analysis: quickAnalysis({ threshold: 1, metrics: [{ name: '5xx percentage', interval: '10s', query: errorPercent('good'), threshold: 1 }] }) });
    const status = await world.runUntilPhase('good', 'Failed');
    expect(status.lastAnalysis?.[0]).toMatchObject({ metric: '5xx percentage', result: 'error' });
    expect(status.lastAnalysis?.[0].reason).toBe('metric "5xx percentage" has an inline query but no Prometheus to run it on: set spec.metricsServer or start the controller with --metrics-server');
  });
});
