import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { convertFlaggerDocuments, formatConversionNote } from '../../../src/api/flagger-convert.ts';
import { createValidator } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';

function flaggerCanary(spec: Record<string, unknown>, analysis: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'web', namespace: 'prod', uid: 'u-1', resourceVersion: '42', labels: { team: 'a' } },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      service: { port: 80 },
      ...spec,
      analysis: { interval: '1m', threshold: 3, stepWeight: 10, maxWeight: 30, ...analysis },
    },
    status: { phase: 'Succeeded' },
  };
}

function convertOne(document: unknown) {
  const result = convertFlaggerDocuments([document]);
  return { object: result.documents[0].converted as Record<string, any>, notes: result.notes.map(formatConversionNote), count: result.convertedCount }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

describe('converting Flagger objects', () => {
  const validator = createValidator();

  test('only the user-owned metadata survives and status is left to the controller', () => {
    const { object, notes } = convertOne(flaggerCanary({}));
    expect(object.metadata).toEqual({ name: 'web', namespace: 'prod', labels: { team: 'a' } });
    expect(object.status).toBeUndefined();
    expect(notes).toEqual([]);
    expect(validator.validate(object).errors).toEqual([]);
  });

  test("Flagger's deprecated canaryAnalysis becomes analysis, with a note", () => {
    const input = flaggerCanary({});
    const spec = input.spec as Record<string, unknown>;
    spec.canaryAnalysis = spec.analysis;
    delete spec.analysis;
    const { object, notes } = convertOne(input);
    expect(object.spec.analysis.stepWeight).toBe(10);
    expect(notes).toEqual(["Canary/web: spec.canaryAnalysis: renamed to spec.analysis (canaryAnalysis is Flagger's deprecated name)"]);
  });

  test('a non-SMI provider becomes smi with its mesh kept for metric names', () => {
    const { object, notes } = convertOne(flaggerCanary({ provider: 'istio' }));
    expect([object.spec.provider, object.spec.mesh]).toEqual(['smi', 'istio']);
    expect(notes).toEqual(['Canary/web: spec.provider: istio → smi: Kanari routes with SMI TrafficSplit, so the cluster must serve the TrafficSplit API']);
  });

  test('a pinned SMI version is kept as it is', () => {
    const { object, notes } = convertOne(flaggerCanary({ provider: 'smi:v1alpha3' }));
    expect(object.spec.provider).toBe('smi:v1alpha3');
    expect(notes).toEqual([]);
  });

  test("Flagger's empty webhook type and alert severity fall back to Kanari's defaults", () => {
    const { object } = convertOne(
      flaggerCanary({}, {
        webhooks: [{ name: 'load', type: '', url: 'http://tester/' }],
        alerts: [{ name: 'team', severity: '', providerRef: { name: 'slack' } }],
      }),
    );
    const result = validator.validateCanary(object);
    expect(result.errors.map(formatValidationError)).toEqual([]);
    if (result.valid) {
      expect(result.value.spec.analysis.webhooks?.[0].type).toBe('rollout');
      expect(result.value.spec.analysis.alerts?.[0].severity).toBe('info');
    }
  });

  test('mesh-specific fields are named with the reason they cannot be carried over', () => {
    const { notes } = convertOne(
      flaggerCanary(
        { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, autoscalerRef: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'web' } },
        { sessionAffinity: { cookieName: 'canary' }, mirror: false, match: [{ headers: { x: { exact: 'y' } }, queryParams: { a: { exact: 'b' } } }] },
      ),
    );
    expect(notes).toEqual([
      'Canary/web: spec.ingressRef: ingress and gateway references do not apply to SMI TrafficSplit routing',
      'Canary/web: spec.autoscalerRef: ScaledObject is not supported (HorizontalPodAutoscaler only): dropped',
      'Canary/web: spec.analysis.sessionAffinity: session affinity cookies need an ingress or Gateway API router, not SMI TrafficSplit',
      'Canary/web: spec.analysis.match[0].queryParams: SMI HTTPRouteGroups match headers, path and method only',
    ]);
  });

  test('a MetricTemplate of an unsupported provider is not converted and says so', () => {
    const { object, count, notes } = convertOne({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'MetricTemplate',
      metadata: { name: 'dd' },
      spec: { provider: { type: 'datadog', address: 'https://api.datadoghq.com' }, query: 'avg:x' },
    });
    expect([object, count]).toEqual([undefined, 0]);
    expect(notes).toEqual(['MetricTemplate/dd: spec.provider.type: datadog is not supported (prometheus or smi): not converted']);
  });

  test('documents of other groups pass through unchanged and do not count as converted', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } };
    const result = convertFlaggerDocuments([deployment]);
    expect(result.documents[0].converted).toBe(deployment);
    expect(result.convertedCount).toBe(0);
    expect(result.notes.map(formatConversionNote)).toEqual(['Deployment/web: not a Flagger object: copied unchanged']);
  });
});

describe("converting Flagger's gatewayapi Canaries", () => {
  const validator = createValidator();
  const fixture = readFileSync(new URL('../../fixtures/flagger/podinfo-gatewayapi.yaml', import.meta.url), 'utf8');
  const converted = () => convertFlaggerDocuments(parseAllDocuments(fixture).map((d) => d.toJS()));
  const byName = (name: string) => converted().documents.map((d) => d.converted as Record<string, any>).find((o) => o.metadata.name === name)!; // eslint-disable-line @typescript-eslint/no-explicit-any

  test('every Canary keeps its Gateway API router and validates; only what no Kanari router can use is noted', () => {
    const result = converted();
    expect(result.convertedCount).toBe(4);
    for (const document of result.documents) expect(validator.validate(document.converted).errors.map(formatValidationError)).toEqual([]);
    expect(result.notes.map(formatConversionNote)).toEqual([
      "Canary/frontend: spec.analysis.metrics: Flagger's gatewayapi built-ins read Envoy series; Kanari's read the TrafficMetrics API or the mesh's Prometheus series (spec.mesh: linkerd, istio): for an Envoy-based gateway use a MetricTemplate (docs/metrics.md)",
    ]);
  });

  test("the Linkerd tutorial's in-mesh Canary: provider and the Service parent as written", () => {
    const podinfo = byName('podinfo');
    expect(podinfo.spec.provider).toBe('gatewayapi:v1');
    expect(podinfo.spec.service.gatewayRefs).toEqual([{ name: 'podinfo', namespace: 'test', group: 'core', kind: 'Service', port: 9898 }]);
    expect(podinfo.spec.analysis.metrics[0].templateRef).toEqual({ name: 'success-rate', namespace: 'test' });
  });

  test('north–south: gatewayRefs, hosts, timeout, headers, rewrite and session affinity carried over', () => {
    const frontend = byName('frontend');
    expect(frontend.spec.service).toEqual({
      port: 9898,
      hosts: ['www.example.com'],
      gatewayRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }],
      timeout: '30s',
      headers: { request: { set: { 'x-release': 'canary' } }, response: { remove: ['server'] } },
      rewrite: { uri: '/' },
    });
    expect(frontend.spec.analysis.sessionAffinity).toEqual({ cookieName: 'flagger-cookie', maxAge: 21600 });
  });

  test('A/B with headers, query parameters and a cookie match, and blue/green mirroring, carried over', () => {
    expect(byName('checkout').spec.provider).toBe('gatewayapi:v1beta1');
    expect(byName('checkout').spec.analysis.match).toEqual([
      { headers: { 'x-canary': { exact: 'insider' } } },
      { queryParams: { canary: { exact: 'true' } } },
      { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } },
    ]);
    expect(byName('backend').spec).toMatchObject({ provider: 'gatewayapi', analysis: { iterations: 5, mirror: true, mirrorWeight: 25 } });
  });

  test('fields even the Gateway API router cannot use are named, Istio-only ones as before', () => {
    const { object, notes } = convertOne(
      flaggerCanary(
        { provider: 'gatewayapi:v1alpha2', service: { port: 80, match: [{ uri: { prefix: '/api' } }], retries: { attempts: 3 }, canary: { labels: { a: 'b' }, backendRef: { port: 81 } } } },
        { stepWeight: undefined, maxWeight: undefined, iterations: 2, match: [{ sourceLabels: { app: 'x' }, queryParams: { q: { exact: '1' } } }], mirror: false, mirrorWeight: 0 },
      ),
    );
    expect(notes).toEqual([
      'Canary/web: spec.service.canary.backendRef: not supported by Kanari: the router writes the backendRefs of the -primary and -canary Services itself',
      'Canary/web: spec.provider: gatewayapi:v1alpha2 → gatewayapi: Kanari writes HTTPRoute v1beta1 or v1 (v1 where served)',
      "Canary/web: spec.service.match: not supported by Kanari's Gateway API router: the route takes every path; narrow it with the Gateway's listeners and hostnames",
      'Canary/web: spec.analysis.match[0].sourceLabels: HTTPRoute matches headers, query parameters, path and method only',
      'Canary/web: spec.service.retries: Istio-only: not used with SMI TrafficSplit',
    ]);
    expect(object.spec.provider).toBe('gatewayapi');
    expect(object.spec.service.canary).toEqual({ labels: { a: 'b' } });
    expect(object.spec.analysis).not.toHaveProperty('mirror');
    expect(validator.validate(object).errors.map(formatValidationError)).toEqual([]);
  });
});
