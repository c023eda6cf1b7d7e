import { prometheusScraping } from '../../helpers/scraped-prometheus.ts';
import { createBuiltinMetrics, measureBuiltinMetric } from '../../../src/metrics/builtin-metrics.ts';
import { createMetricsProvider } from '../../../src/metrics/factory.ts';
import type { Mesh } from '../../../src/api/canary.ts';
import { runMetricTemplate, type MetricTemplateLike } from '../../../src/metrics/metric-template.ts';
import { MetricsError } from '../../../src/metrics/metrics-error.ts';
import { PrometheusProvider } from '../../../src/metrics/prometheus.ts';
import { CoreV1Api } from '@kubernetes/client-node';
import { kubeSecretReader, staticSecretReader } from '../../../src/kube/secret-reader.ts';
import { startApiServer } from '../../../src/sandbox/apiserver/index.ts';
import { startAuthProxy } from '../../helpers/prometheus.ts';
import { COUNTERS, EXPECTED, HISTOGRAMS, NAMESPACE } from './mesh-fixture.ts';

// A real Prometheus scraping the fixture every second; one per file, shared by every test here.
// irate and increase need two samples of every series; it is ready when the latency histogram has them.
const prometheus = prometheusScraping(COUNTERS, HISTOGRAMS, { query: 'count(count_over_time(response_latency_ms_bucket[10s]) >= 3)', accept: (v) => v[0] > 0 }, 30_000);
const WINDOW = 10_000;

const canary = { namespace: NAMESPACE, name: 'podinfo' };

describe.each<[Mesh, number]>([
  ['linkerd', EXPECTED.linkerdSuccessRate],
  ['istio', EXPECTED.istioSuccessRate],
  ['osm', EXPECTED.osmSuccessRate],
])('built-in metrics from Prometheus with %s queries', (mesh, successRate) => {
  const source = () => createBuiltinMetrics({ source: 'prometheus', mesh, prometheus: { address: prometheus.url } });

  test(`request-success-rate is ${successRate}%`, async () => {
    const result = await measureBuiltinMetric(source(), 'request-success-rate', canary, WINDOW);
    expect(result.kind).toBe('value');
    expect(result.kind === 'value' && result.value).toBeCloseTo(successRate, 6);
  });

  test(`request-duration is the p99 of the histogram (${EXPECTED.p99.toFixed(3)} ms)`, async () => {
    const result = await measureBuiltinMetric(source(), 'request-duration', canary, WINDOW);
    expect(result.kind === 'value' && result.value).toBeCloseTo(EXPECTED.p99, 6);
  });

  test('an absent workload is no data for both checks, never a pass', async () => {
    const ghost = { namespace: NAMESPACE, name: 'ghost' };
    for (const name of ['request-success-rate', 'request-duration'] as const) {
      const result = await measureBuiltinMetric(source(), name, ghost, WINDOW);
      expect(result).toEqual({ kind: 'no-data', reason: expect.stringContaining('zero requests to deployment test/ghost') });
    }
  });
});

test('a workload that never failed has no failure series and a 100% success rate', async () => {
  const source = createBuiltinMetrics({ source: 'prometheus', mesh: 'linkerd', prometheus: { address: prometheus.url } });
  const result = await source.requestSuccessRate({ namespace: NAMESPACE, name: 'podinfo-primary' }, WINDOW);
  expect(result).toEqual({ kind: 'value', value: 100 });
});

test('series with zero requests (NaN latency) are no data', async () => {
  const source = createBuiltinMetrics({ source: 'prometheus', mesh: 'linkerd', prometheus: { address: prometheus.url } });
  const idle = { namespace: NAMESPACE, name: 'idle' };
  expect(await source.requestSuccessRate(idle, WINDOW)).toMatchObject({ kind: 'no-data' });
  expect(await source.requestDuration(idle, WINDOW)).toMatchObject({ kind: 'no-data' });
  // The raw quantile really is NaN, and the provider reads it as no data.
  const provider = new PrometheusProvider({ address: prometheus.url });
  const quantile = await provider.query('histogram_quantile(0.99, sum(irate(response_latency_ms_bucket{deployment="idle"}[10s])) by (le))');
  expect(quantile).toEqual({ kind: 'no-data', reason: expect.stringContaining('NaN') });
});

describe('PrometheusProvider answer shapes', () => {
  const provider = () => new PrometheusProvider({ address: prometheus.url });

  test('a scalar is a value', async () => {
    expect(await provider().query('scalar(sum(rate(response_total{deployment="podinfo", direction="inbound"}[10s])))')).toMatchObject({ kind: 'value' });
    expect(await provider().query('vector(42)')).toEqual({ kind: 'value', value: 42 });
  });

  test('an empty vector is no data', async () => {
    expect(await provider().query('response_total{deployment="nobody"}')).toEqual({ kind: 'no-data', reason: 'the query returned no series' });
  });

  test('+Inf is no data', async () => {
    expect(await provider().query('vector(+Inf)')).toMatchObject({ kind: 'no-data', reason: expect.stringContaining('+Inf') });
  });

  test('a range vector is RangeResultNotSupported', async () => {
    await expect(provider().query('response_total{deployment="podinfo"}[5s]')).rejects.toMatchObject({ reason: 'RangeResultNotSupported' });
  });

  test('several series is an error naming the count', async () => {
    await expect(provider().query('response_total{deployment="podinfo", direction="inbound"}')).rejects.toMatchObject({
      reason: 'MultipleSeries',
      message: expect.stringContaining('returned 2 series'),
    });
  });

  test("bad PromQL is QueryFailed carrying Prometheus' error text", async () => {
    const error = (await provider()
      .query('sum(rate(response_total[5s]')
      .catch((e: unknown) => e)) as MetricsError;
    expect(error).toBeInstanceOf(MetricsError);
    expect(error.reason).toBe('QueryFailed');
    expect(error.message).toMatch(/bad_data.*unclosed|parse error/);
    expect(error.message).toContain(prometheus.url);
  });
});

test('a MetricTemplate query renders Flagger variables and returns the expected number', async () => {
  const template: MetricTemplateLike = {
    metadata: { name: 'error-rate', namespace: 'monitoring' },
    spec: {
      provider: { type: 'prometheus', address: prometheus.url },
      query:
        'sum(rate(response_total{namespace="{{ namespace }}", deployment="{{ target }}", classification="{{ variables.outcome }}", direction="inbound"}[{{ interval }}])) / ' +
        'sum(rate(response_total{namespace="{{ namespace }}", deployment="{{ target }}", direction="inbound"}[{{ interval }}])) * 100',
    },
  };
  const result = await runMetricTemplate(
    template,
    { name: 'podinfo', namespace: NAMESPACE, target: 'podinfo', service: 'podinfo', interval: '10s', variables: { outcome: 'failure' } },
    {},
  );
  expect(result.kind).toBe('value');
  expect(result.kind === 'value' && result.value).toBeCloseTo(100 - EXPECTED.linkerdSuccessRate, 6);
  expect(result.query).toContain('deployment="podinfo", classification="failure"');
});

describe('credentials from the provider secret', () => {
  // One test reads its Secret from the sandbox API server; the rest use a SecretReader over plain objects.
  const secrets = staticSecretReader({
    'monitoring/prom-token': { token: 'kanari-test-token' },
    'monitoring/prom-basic': { username: 'kanari', password: 'p@ss word' },
    'monitoring/prom-wrong': { token: 'not-the-token' },
  });
  const query = 'vector(7)';

  test('a token from a Secret in the sandbox API server, read through CoreV1Api', async () => {
    const api = await startApiServer();
    const proxy = await startAuthProxy(prometheus.url, 'Bearer from-the-cluster');
    try {
      const core = api.kubeConfig.makeApiClient(CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: 'monitoring' } } });
      await core.createNamespacedSecret({ namespace: 'monitoring', body: { metadata: { name: 'prom' }, data: { token: Buffer.from('from-the-cluster').toString('base64') } } });
      const provider = await createMetricsProvider(
        { type: 'prometheus', address: proxy.url, secretRef: { name: 'prom' } },
        { namespace: 'monitoring', secretReader: kubeSecretReader(api.kubeConfig) },
      );
      expect(await provider.query(query)).toEqual({ kind: 'value', value: 7 });
      const absent = createMetricsProvider({ type: 'prometheus', address: proxy.url, secretRef: { name: 'nope' } }, { namespace: 'monitoring', secretReader: kubeSecretReader(api.kubeConfig) });
      await expect(absent).rejects.toMatchObject({ reason: 'InvalidProvider', message: expect.stringContaining('monitoring/nope') });
    } finally {
      await proxy.close();
      await api.stop();
    }
  });

  test('a bearer token from secret key `token` passes an authenticating proxy', async () => {
    const proxy = await startAuthProxy(prometheus.url, 'Bearer kanari-test-token');
    try {
      const provider = await createMetricsProvider({ type: 'prometheus', address: proxy.url, secretRef: { name: 'prom-token' } }, { namespace: 'monitoring', secretReader: secrets });
      expect(await provider.query(query)).toEqual({ kind: 'value', value: 7 });
      expect(proxy.requests).toEqual(['Bearer kanari-test-token']);
    } finally {
      await proxy.close();
    }
  });

  test('basic auth from `username` and `password`', async () => {
    const proxy = await startAuthProxy(prometheus.url, `Basic ${Buffer.from('kanari:p@ss word').toString('base64')}`);
    try {
      const provider = await createMetricsProvider({ type: 'prometheus', address: proxy.url, secretRef: { name: 'prom-basic' } }, { namespace: 'monitoring', secretReader: secrets });
      expect(await provider.query(query)).toEqual({ kind: 'value', value: 7 });
    } finally {
      await proxy.close();
    }
  });

  test('custom headers are sent', async () => {
    const proxy = await startAuthProxy(prometheus.url, 'ApiKey abc');
    try {
      const provider = await createMetricsProvider({ type: 'prometheus', address: proxy.url, headers: { Authorization: 'ApiKey abc' } }, { namespace: 'monitoring' });
      expect(await provider.query(query)).toEqual({ kind: 'value', value: 7 });
    } finally {
      await proxy.close();
    }
  });

  test('a rejected token is Unauthorized, and the message never shows it', async () => {
    const proxy = await startAuthProxy(prometheus.url, 'Bearer kanari-test-token');
    try {
      const provider = await createMetricsProvider({ type: 'prometheus', address: proxy.url, secretRef: { name: 'prom-wrong' } }, { namespace: 'monitoring', secretReader: secrets });
      const error = (await provider.query(query).catch((e: unknown) => e)) as MetricsError;
      expect(error.reason).toBe('Unauthorized');
      expect(error.message).toContain(proxy.url);
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('not-the-token');
    } finally {
      await proxy.close();
    }
  });
});

test('a Prometheus that does not answer in time is ProviderUnreachable at the configured timeout', async () => {
  const net = await import('node:net');
  // Accepts connections and never answers.
  const sockets: import('node:net').Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as import('node:net').AddressInfo;
  try {
    const provider = new PrometheusProvider({ address: `http://127.0.0.1:${port}`, timeoutMilliseconds: 300 });
    const started = performance.now();
    // Without a deadline the query would hang until Jest gives up; with one it ends after it, never before.
    await expect(provider.query('up')).rejects.toMatchObject({ reason: 'ProviderUnreachable', message: `Prometheus http://127.0.0.1:${port} timed out after 300ms` });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  }
});
