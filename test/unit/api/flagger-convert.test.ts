import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { convertFlaggerDocuments, formatConversionNote } from '../../../src/api/flagger-convert.ts';
import { createValidator } from '../../../src/api/validation.ts';
import { formatValidationError } from '../../../src/api/validation-error.ts';
import { webhookTypeOf } from '../../../src/api/canary-settings.ts';

function flaggerCanary(spec: Record<string, unknown>, analysis: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'flagger.app/v1beta1',
    kind: 'Canary',
    metadata: { name: 'web', namespace: 'prod', uid: 'u-1', resourceVersion: '42', labels: { team: 'a' } },
    spec: {
      provider: 'smi',
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

  test('a non-SMI provider becomes smi with its mesh kept for metric names, and says what that means', () => {
    const { object, notes } = convertOne(flaggerCanary({ provider: 'istio' }));
    expect([object.spec.provider, object.spec.mesh]).toEqual(['smi', 'istio']);
    expect(notes).toEqual([
      "Canary/web: spec.provider: istio → smi: Kanari has no istio router: kanari convert writes provider: smi (the cluster must then serve the SMI TrafficSplit API) and drops the router's own fields; write provider: kubernetes to route nothing",
    ]);
  });

  test('a Canary without provider says Flagger chose its router by flag', () => {
    const input = flaggerCanary({});
    delete (input.spec as Record<string, unknown>).provider;
    const { object, notes } = convertOne(input);
    expect(object.spec.provider).toBeUndefined();
    expect(notes).toEqual([
      'Canary/web: spec.provider: Flagger ran this Canary on the router of its -mesh-provider flag; Kanari routes it with smi (SMI TrafficSplit). Set spec.provider if your Flagger used another router (kubernetes for none)',
    ]);
  });

  test('service.hosts of a router other than SMI are not made the TrafficSplit root service', () => {
    const istio = convertOne(flaggerCanary({ provider: 'istio', service: { port: 80, hosts: ['app.example.com'] } }));
    expect(istio.object.spec.service.hosts).toBeUndefined();
    expect(istio.notes).toContain(
      "Canary/web: spec.service.hosts: dropped: host names of an Istio VirtualService, not the TrafficSplit's root service. Remove them (Kanari uses the apex Service as the root service); with provider: gatewayapi they are the HTTPRoute's hostnames",
    );
    const linkerd = convertOne(flaggerCanary({ provider: 'linkerd', service: { port: 80, hosts: ['web-root'] } }));
    expect(linkerd.object.spec.service.hosts).toEqual(['web-root']);
    expect(linkerd.notes).toEqual([]);
  });

  test('match conditions Kanari cannot express refuse the Canary instead of turning an A/B test into blue/green', () => {
    const { object, notes, count } = convertOne(flaggerCanary({}, { stepWeight: undefined, maxWeight: undefined, iterations: 5, match: [{ queryParams: { beta: { exact: 'on' } } }] }));
    expect([object, count]).toEqual([undefined, 0]);
    expect(notes).toEqual([
      'Canary/web: spec.analysis.match[0].queryParams: SMI HTTPRouteGroups cannot match query parameters, and without them the A/B test would send other users to the canary. Match on headers (or uri, method) instead, or set provider: gatewayapi; not converted',
    ]);
  });

  test("the kubernetes provider's weights become Flagger's 10 iterations and its matches are dropped, with notes", () => {
    const { object, notes } = convertOne(flaggerCanary({ provider: 'kubernetes' }, { match: [{ headers: { x: { exact: 'y' } } }] }));
    expect(object.spec.analysis).toMatchObject({ iterations: 10 });
    expect(object.spec.analysis.stepWeight).toBeUndefined();
    expect(object.spec.analysis.match).toBeUndefined();
    expect(notes).toEqual([
      'Canary/web: spec.analysis.stepWeight: → iterations: 10: the kubernetes provider routes no traffic, so Flagger runs 10 blue/green iterations instead (with a warning Event): write iterations: 10 (kanari convert does)',
      'Canary/web: spec.analysis.match: dropped: the kubernetes provider routes no traffic, so Flagger ignores these conditions (with a warning Event) and runs a blue/green. Remove them',
    ]);
    expect(validator.validate(object).errors).toEqual([]);
  });

  test("an interval below Flagger's 10s minimum and a negative threshold are written as Flagger ran them", () => {
    const { object, notes } = convertOne(flaggerCanary({}, { interval: '5s', threshold: -1 }));
    expect(object.spec.analysis).toMatchObject({ interval: '10s', threshold: 1 });
    expect(notes).toEqual([
      'Canary/web: spec.analysis.interval: 5s → 10s: Flagger checked every 10s (its minimum): kanari convert writes 10s',
      'Canary/web: spec.analysis.threshold: -1 → 1: Flagger reads a threshold below 1 as 1: kanari convert writes 1',
    ]);
  });

  // Flagger's docs name a gloo-mesh router and a KEDA HTTPScaledObject: convert must not write a Canary
  // that validate then refuses without a word.
  test('a router Kanari does not know by name becomes smi with a note, and a scaler other than an HPA refuses the Canary', () => {
    const gloo = convertOne(flaggerCanary({ provider: 'gloo-mesh' }));
    expect(gloo.object.spec.provider).toBe('smi');
    expect(validator.validate(gloo.object).errors.map(formatValidationError)).toEqual([]);
    expect(gloo.notes).toEqual([
      "Canary/web: spec.provider: gloo-mesh → smi: Kanari has no router of that name: kanari convert writes provider: smi (the cluster must then serve the SMI TrafficSplit API) and drops the router's own fields; write provider: kubernetes to route nothing",
    ]);
    const http = convertOne(flaggerCanary({ autoscalerRef: { apiVersion: 'keda.sh/v1alpha1', kind: 'HTTPScaledObject', name: 'web' } }));
    expect(http.object).toBeUndefined();
    expect(http.notes).toEqual([
      'Canary/web: spec.autoscalerRef.kind: HTTPScaledObject: Kanari copies HorizontalPodAutoscalers only. Point autoscalerRef at an HPA, or remove autoscalerRef and scale the primary yourself; not converted',
    ]);
  });

  // Flagger's alerting page sets both; Flagger posts to the Secret's address, and Kanari takes one source.
  test('an AlertProvider with an address and a secretRef keeps the Secret, with a note', () => {
    const { object, notes } = convertOne({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'AlertProvider',
      metadata: { name: 'on-call', namespace: 'flagger' },
      spec: { type: 'slack', channel: 'on-call-alerts', address: 'https://hooks.slack.com/services/X', secretRef: { name: 'on-call-url' } },
    });
    expect(object.spec).toEqual({ type: 'slack', channel: 'on-call-alerts', secretRef: { name: 'on-call-url' } });
    expect(validator.validate(object).errors.map(formatValidationError)).toEqual([]);
    expect(notes).toEqual([
      "AlertProvider/on-call: spec.address: dropped: with secretRef set, Flagger posts to the address in the Secret, as Kanari does; Flagger's fallback to this address, for a Secret without one, is not Kanari's",
    ]);
  });

  test('a pinned SMI version is kept as it is', () => {
    const { object, notes } = convertOne(flaggerCanary({ provider: 'smi:v1alpha3' }));
    expect(object.spec.provider).toBe('smi:v1alpha3');
    expect(notes).toEqual([]);
  });

  test("Flagger's empty webhook type stays a rollout hook; an alert of empty severity, which Flagger never sent, is dropped", () => {
    const { object, notes } = convertOne(
      flaggerCanary({}, {
        webhooks: [{ name: 'load', type: '', url: 'http://tester/' }],
        alerts: [
          { name: 'team', severity: '', providerRef: { name: 'slack' } },
          { name: 'oncall', severity: 'error', providerRef: { name: 'pager' } },
        ],
      }),
    );
    const result = validator.validateCanary(object);
    expect(result.errors.map(formatValidationError)).toEqual([]);
    if (result.valid) {
      expect(webhookTypeOf(result.value.spec.analysis.webhooks![0])).toBe('rollout');
      expect(result.value.spec.analysis.alerts?.map((a) => a.name)).toEqual(['oncall']);
    }
    expect(notes).toEqual([
      'Canary/web: spec.analysis.alerts[0].severity: alert "team" dropped: Flagger sends nothing to an alert with an empty severity (no message has one). Write info for every message, warn or error for fewer, or remove the alert (kanari convert removes it)',
    ]);
  });

  test('mesh-specific fields are named with the reason they cannot be carried over', () => {
    const { notes } = convertOne(
      flaggerCanary(
        { ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' }, autoscalerRef: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', name: 'web' } },
        { sessionAffinity: { cookieName: 'canary' }, mirror: false, match: [{ headers: { x: { exact: 'y' } }, queryParams: { a: { exact: 'b' } } }] },
      ),
    );
    expect(notes).toEqual([
      'Canary/web: spec.ingressRef: dropped: routing through an NGINX or Skipper Ingress: Kanari does not route through an Ingress. Remove it; Kanari routes with SMI TrafficSplit (`provider: smi`, `linkerd`, `osm`), Gateway API HTTPRoute (`provider: gatewayapi`) or not at all (`provider: kubernetes`)',
      'Canary/web: spec.autoscalerRef.kind: KEDA ScaledObjects: Kanari copies HorizontalPodAutoscalers only. Point autoscalerRef at an HPA, or remove autoscalerRef and scale the primary yourself; not converted',
      "Canary/web: spec.analysis.sessionAffinity: dropped: session affinity cookies need a Gateway API router; an SMI TrafficSplit cannot set cookies. Remove it (during a weighted run a user's requests may then reach either version), or set provider: gatewayapi",
      'Canary/web: spec.analysis.match[0].queryParams: SMI HTTPRouteGroups cannot match query parameters, and without them the A/B test would send other users to the canary. Match on headers (or uri, method) instead, or set provider: gatewayapi; not converted',
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
      "Canary/frontend: spec.analysis.metrics[0].name: request-success-rate with provider gatewayapi:v1: Flagger read this built-in metric from the router's own Prometheus metrics; Kanari reads the SMI TrafficMetrics API, or with metricsServer the mesh's metrics (linkerd unless spec.mesh says istio or osm). Use a MetricTemplate with your router's query to keep Flagger's",
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

  test("Istio's service fields are dropped as on any router, and the Gateway API fields of a Canary on another router too", () => {
    const gateway = convertOne(
      flaggerCanary(
        { provider: 'gatewayapi:v1', service: { port: 80, match: [{ uri: { prefix: '/api' } }], retries: { attempts: 3 }, canary: { labels: { a: 'b' } } } },
        { mirror: false },
      ),
    );
    expect(gateway.notes).toEqual([
      "Canary/web: spec.service.match: dropped: request conditions of an Istio VirtualService: Kanari's routers write no Istio VirtualService or DestinationRule; an SMI TrafficSplit routes every request of the service. Remove it",
      "Canary/web: spec.service.retries: dropped: an Istio retry policy: Kanari's routers write no Istio VirtualService or DestinationRule. Remove it and set retries in your mesh's own configuration",
    ]);
    expect(gateway.object.spec).toMatchObject({ provider: 'gatewayapi:v1', service: { port: 80, canary: { labels: { a: 'b' } } } });
    expect(gateway.object.spec.analysis).not.toHaveProperty('mirror');
    expect(validator.validate(gateway.object).errors.map(formatValidationError)).toEqual([]);

    const smi = convertOne(flaggerCanary({ provider: 'linkerd', service: { port: 80, gatewayRefs: [{ name: 'public' }], timeout: '10s' } }, { mirror: true, mirrorWeight: 20 }));
    expect(smi.notes).toEqual([
      'Canary/web: spec.service.gatewayRefs: dropped: the Gateways of a Gateway API HTTPRoute: an SMI TrafficSplit attaches to no Gateway. Remove them, or set provider: gatewayapi',
      "Canary/web: spec.service.timeout: dropped: a request timeout of an Istio VirtualService or Gateway API HTTPRoute: an SMI TrafficSplit has no timeouts. Remove it and set timeouts in your mesh's own configuration, or set provider: gatewayapi",
      "Canary/web: spec.analysis.mirror: dropped: traffic mirroring needs an Istio or Gateway API router; an SMI TrafficSplit cannot mirror. Remove it (a blue/green run then gives the canary only your load tests' traffic, and a canary run starts without a mirrored first step), or set provider: gatewayapi",
      'Canary/web: spec.analysis.mirrorWeight: dropped: the share of mirrored traffic: an SMI TrafficSplit cannot mirror. Remove it, or set provider: gatewayapi',
    ]);
    expect(validator.validate(smi.object).errors.map(formatValidationError)).toEqual([]);
  });

  test('a Canary without provider whose gatewayRefs say Flagger ran it on the Gateway API keeps that router', () => {
    const { object, notes } = convertOne(flaggerCanary({ provider: undefined, service: { port: 80, gatewayRefs: [{ name: 'podinfo', kind: 'Service', group: 'core', port: 80 }] } }));
    expect(object.spec.provider).toBe('gatewayapi');
    expect(object.spec.service.gatewayRefs).toEqual([{ name: 'podinfo', kind: 'Service', group: 'core', port: 80 }]);
    expect(notes).toEqual([
      "Canary/web: spec.provider: Flagger ran this Canary on the router of its -mesh-provider flag, and its gatewayRefs say that was the Gateway API: kanari convert writes provider: gatewayapi (Kanari's Gateway API router, v1 where served)",
    ]);
  });
});
