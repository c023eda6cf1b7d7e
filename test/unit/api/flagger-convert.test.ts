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
