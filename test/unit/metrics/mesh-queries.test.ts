import { edgeQuery, resourceLabels, resourceQuery } from '../../../src/metrics/mesh-queries.ts';

const web = { kind: 'Deployment', namespace: 'app', name: 'web' } as const;

describe('linkerd queries are smi-metrics\' queries', () => {
  test('p99 latency over inbound response_latency_ms_bucket', () => {
    expect(resourceQuery('linkerd', 'p99_response_latency', web, 30)).toBe(
      'histogram_quantile(0.99, sum(irate(response_latency_ms_bucket{namespace=~"app", deployment=~"web", direction="inbound"}[30s])) by (deployment, namespace, le))',
    );
  });

  test('success and failure counts by classification', () => {
    expect(resourceQuery('linkerd', 'success_count', web, 60)).toBe(
      'sum(increase(response_total{classification="success", namespace=~"app", deployment=~"web", direction="inbound"}[60s])) by (deployment, namespace)',
    );
    expect(resourceQuery('linkerd', 'failure_count', web, 60)).toContain('classification="failure"');
  });

  test('a list matches every name and namespace, and the kind names the label', () => {
    expect(resourceQuery('linkerd', 'p50_response_latency', { kind: 'Statefulset' }, 30)).toBe(
      'histogram_quantile(0.50, sum(irate(response_latency_ms_bucket{namespace=~".+", statefulset=~".+", direction="inbound"}[30s])) by (statefulset, namespace, le))',
    );
  });

  test('a namespace query selects by namespace once', () => {
    expect(resourceQuery('linkerd', 'success_count', { kind: 'Namespace', name: 'app' }, 30)).toBe(
      'sum(increase(response_total{classification="success", namespace=~"app", direction="inbound"}[30s])) by (namespace)',
    );
  });

  test('edges select the caller side by dst_ labels', () => {
    expect(edgeQuery('linkerd', 'success_count', web, 'to', 30)).toBe(
      'sum(increase(response_total{classification="success", namespace=~"app", deployment=~"web", dst_deployment=~".+"}[30s])) by (deployment, namespace, dst_deployment, dst_namespace)',
    );
    expect(edgeQuery('linkerd', 'success_count', web, 'from', 30)).toContain('dst_namespace=~"app", dst_deployment=~"web", deployment=~".+"');
  });
});

describe('istio queries', () => {
  test('success counts everything but 5xx, reported by the destination', () => {
    expect(resourceQuery('istio', 'success_count', web, 60)).toBe(
      'sum(increase(istio_requests_total{response_code!~"5.*", destination_workload_namespace=~"app", destination_workload=~"web", reporter="destination"}[60s])) by (destination_workload, destination_workload_namespace)',
    );
    expect(resourceQuery('istio', 'failure_count', web, 60)).toContain('response_code=~"5.*"');
  });

  test('latency from istio_request_duration_milliseconds_bucket', () => {
    expect(resourceQuery('istio', 'p99_response_latency', web, 60)).toBe(
      'histogram_quantile(0.99, sum(irate(istio_request_duration_milliseconds_bucket{destination_workload_namespace=~"app", destination_workload=~"web", reporter="destination"}[60s])) by (destination_workload, destination_workload_namespace, le))',
    );
  });
});

describe('osm queries', () => {
  test('osm_request_total by destination name, namespace and kind', () => {
    expect(resourceQuery('osm', 'success_count', web, 30)).toBe(
      'sum(increase(osm_request_total{response_code!~"5.*", destination_namespace=~"app", destination_name=~"web", destination_kind=~"(?i)Deployment"}[30s])) by (destination_name, destination_namespace)',
    );
  });

  test('latency from osm_request_duration_ms_bucket; pods by destination_pod', () => {
    expect(resourceQuery('osm', 'p90_response_latency', { kind: 'Pod', namespace: 'app', name: 'web-1' }, 30)).toBe(
      'histogram_quantile(0.90, sum(irate(osm_request_duration_ms_bucket{destination_namespace=~"app", destination_pod=~"web-1"}[30s])) by (destination_pod, destination_namespace, le))',
    );
    expect(resourceLabels('osm', 'Pod')).toEqual({ name: 'destination_pod', namespace: 'destination_namespace' });
  });
});

test('names are matched literally: a dot is escaped for PromQL\'s regex inside a string', () => {
  expect(resourceQuery('linkerd', 'success_count', { kind: 'Deployment', namespace: 'app', name: 'web.v2' }, 30)).toContain(
    'deployment=~"web\\\\.v2"',
  );
});

test('fractional windows round to whole seconds and never reach zero', () => {
  expect(resourceQuery('istio', 'success_count', web, 0.2)).toContain('[1s]');
  expect(resourceQuery('istio', 'success_count', web, 90.4)).toContain('[90s]');
});
