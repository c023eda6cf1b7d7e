import {
  abTest,
  blueGreen,
  builtins,
  builtinSourceNotes,
  canaryRun,
  DISCOVERED,
  header,
  HPA,
  PODINFO,
  templated,
  type ExpectedPage,
} from './flagger-docs-expected.ts';

/**
 * What Flagger runs for the Canaries of its tutorials and e2e tests. A Canary without a provider ran on
 * the router of Flagger's -mesh-provider flag (convert notes `spec.provider`): with `gatewayRefs` that was
 * the Gateway API, which Kanari keeps; a foreign router's own fields are dropped with a note (the Gateway
 * API's after the provider's, once the router is known), and so are its built-in metrics' sources.
 */

const provider = ['spec.provider'];
const tests = { 'pre-rollout': ['acceptance-test'], rollout: ['load-test'] };
const smokeAndLoad = { 'pre-rollout': ['smoke-test'], rollout: ['load-test'] };
/** The tutorials' podinfo: 60 s deadline, HPA. */
const tutorial = { ...PODINFO, progressDeadlineSeconds: 60, autoscaler: HPA };
const port80 = ['http 80→9898'];

const istioNotes = ['spec.service.gateways', 'spec.service.trafficPolicy', 'spec.service.retries'];
const ISTIO: ExpectedPage = {
  'istio-progressive-delivery § Bootstrap': {
    run: { ...tutorial, ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: [...istioNotes, ...provider, 'spec.service.hosts'],
  },
  'istio-progressive-delivery § Session Affinity': {
    run: { ...tutorial, ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: [...istioNotes, ...provider, 'spec.service.hosts', 'spec.analysis.sessionAffinity'],
  },
  'istio-progressive-delivery § Traffic mirroring': {
    run: { ...tutorial, ...blueGreen(10), interval: '1m', threshold: 5, hooks: tests, metrics: builtins('1m') },
    noted: [...istioNotes, ...provider, 'spec.service.hosts', 'spec.analysis.mirror', 'spec.analysis.mirrorWeight'],
  },
  'istio-progressive-delivery § Canary Deployments for TCP Services': {
    run: { ...tutorial, ports: ['tcp-service-port 7070→7070'], ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: [...istioNotes, ...provider, 'spec.service.hosts'],
  },
  'istio-ab-testing § Bootstrap': {
    run: {
      ...tutorial, ...abTest(10, [header('user-agent', 'regex', '.*Firefox.*'), header('cookie', 'regex', '^(.*?;)?(type=insider)(;.*)?$')]),
      interval: '1m', threshold: 2, hooks: { rollout: ['load-test'] }, metrics: builtins('30s'),
    },
    noted: ['spec.service.gateways', 'spec.service.trafficPolicy', ...provider, 'spec.service.hosts'],
  },
  // ASM is Istio; the page's HPA is autoscaling/v2beta2, which Flagger and Kanari both read.
  'alibabacloud-servicemesh-progressive-delivery § Initialize': {
    run: { ...tutorial, ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: [...istioNotes, ...provider, 'spec.service.hosts'],
  },
  'flagger-smi-istio § Workloads bootstrap': {
    run: { ...tutorial, ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '10s', threshold: 5, hooks: { rollout: ['load-test'] }, metrics: builtins('30s') },
    noted: ['spec.canaryAnalysis', 'spec.service.gateways', ...provider, 'spec.service.hosts'],
  },
  'zero-downtime-deployments § Ingress retries': {
    run: { ...PODINFO, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '1m', threshold: 10 },
    noted: ['spec.service.gateways', 'spec.service.retries', ...provider, 'spec.service.hosts'],
  },
};

// The chart's Canaries: the deprecated thresholds are the success rate's minimum and the duration's maximum.
const helmRun = (name: string) => ({
  ...PODINFO, target: `Deployment/${name}`, autoscaler: `HorizontalPodAutoscaler/${name}`, ...canaryRun({ stepWeight: 5, maxWeight: 50 }),
  interval: '15s', threshold: 10, hooks: { 'pre-rollout': ['helm test'], rollout: ['load-test-get'] }, metrics: builtins('1m'),
});
const HELM: ExpectedPage = {
  'canary-helm-gitops § Upgrade (frontend: exposed on the Istio gateway)': { run: helmRun('frontend'), noted: ['spec.service.gateways', 'spec.service.trafficPolicy', ...provider, 'spec.service.hosts'] },
  'canary-helm-gitops § Upgrade (backend: inside the mesh only)': { run: helmRun('backend'), noted: ['spec.service.trafficPolicy', ...provider] },
};

// The Gateway API pages ran on Flagger's gatewayapi router (their gatewayRefs say so): Kanari's routes them the same.
const gatewayNotes = provider;
const envoyOrIstio = [templated('error-rate', 'flagger-system/error-rate', '≤ 1', '1m'), templated('latency', 'flagger-system/latency', '≤ 0.5', '30s')];
const gatewayRun = { ...tutorial, router: 'gatewayapi', ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: smokeAndLoad, metrics: envoyOrIstio };
const GATEWAY_API: ExpectedPage = {
  'gatewayapi-progressive-delivery § Bootstrap': { run: gatewayRun, noted: gatewayNotes },
  'gatewayapi-progressive-delivery § A/B Testing': {
    run: {
      ...tutorial, router: 'gatewayapi', ...abTest(10, [header('user-agent', 'regex', '.*Firefox.*'), header('cookie', 'regex', '^(.*?;)?(type=insider)(;.*)?$')]),
      interval: '1m', threshold: 2, hooks: { rollout: ['load-test'] }, metrics: envoyOrIstio,
    },
    noted: gatewayNotes,
  },
  'gatewayapi-progressive-delivery § Session Affinity': {
    run: { ...gatewayRun, hooks: { rollout: ['load-test'] } },
    noted: gatewayNotes,
  },
  'gatewayapi-progressive-delivery § Traffic mirroring': {
    run: { ...PODINFO, router: 'gatewayapi', ...blueGreen(10), interval: '1m', threshold: 5, hooks: { rollout: ['load-test'] }, metrics: builtins('1m') },
    noted: [...gatewayNotes, ...builtinSourceNotes(0, 1)],
  },
  'gatewayapi-progressive-delivery § Customising the HTTPRoute (header manipulation)': { run: gatewayRun, noted: gatewayNotes },
  'gatewayapi-progressive-delivery § Customising the HTTPRoute (URL rewriting, full path)': { run: gatewayRun, noted: gatewayNotes },
  'gatewayapi-progressive-delivery § Customising the HTTPRoute (URL rewriting, prefix)': { run: gatewayRun, noted: gatewayNotes },
  // Kanari's Gateway API router writes no CORS filter.
  'gatewayapi-progressive-delivery § Customising the HTTPRoute (CORS policy)': { run: gatewayRun, noted: ['spec.service.corsPolicy', ...gatewayNotes] },
  // Weighted, despite its title: the X-Canary header is only in its load test.
  'gatewayapi-ab-testing § Bootstrap': { run: gatewayRun, noted: gatewayNotes },
  // Flagger scales the primary with its own HTTPScaledObject; Kanari copies HPAs only.
  'keda-httpscaledobject § Bootstrap': { refused: 'Kanari copies HorizontalPodAutoscalers only', noted: ['spec.autoscalerRef.primaryScalingSet', ...provider, 'spec.autoscalerRef.kind'] },
  'keda-httpscaledobject § Session Affinity': {
    refused: 'Kanari copies HorizontalPodAutoscalers only',
    noted: ['spec.autoscalerRef.primaryScalingSet', ...provider, 'spec.autoscalerRef.kind'],
  },
  'keda-httpscaledobject § A/B Testing': { refused: 'Kanari copies HorizontalPodAutoscalers only', noted: ['spec.autoscalerRef.primaryScalingSet', ...provider, 'spec.autoscalerRef.kind'] },
  'keda-httpscaledobject § Traffic mirroring': {
    run: { ...PODINFO, router: 'gatewayapi', ...blueGreen(10), interval: '1m', threshold: 5, hooks: { rollout: ['load-test'] }, metrics: builtins('1m') },
    noted: [...provider, ...builtinSourceNotes(0, 1)],
  },
};

const linkerdMetrics = [templated('success-rate', 'test/success-rate', '≥ 99', '1m'), templated('latency', 'test/latency', '≤ 500', '30s')];
// Flagger's Linkerd tutorial routes with the Gateway API (its gatewayRefs name the Service itself).
const linkerdRun = { ...tutorial, router: 'gatewayapi', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: tests, metrics: linkerdMetrics };
const SMI_MESHES: ExpectedPage = {
  'linkerd-progressive-delivery § Bootstrap': { run: linkerdRun, noted: provider },
  // Flagger's deprecated single threshold of a non-success-rate metric is its maximum.
  'linkerd-progressive-delivery § Custom metrics (the 404s percentage added to the Canary)': {
    run: { ...linkerdRun, metrics: [...linkerdMetrics, '404s percentage (inline query) ≤ 3 over 1m'] },
    noted: provider,
  },
  'linkerd-progressive-delivery § A/B Testing (through the NGINX ingress)': {
    run: {
      ...PODINFO, autoscaler: HPA, ...abTest(10, [header('x-canary', 'exact', 'always'), header('cookie', 'exact', 'canary')]),
      interval: '1m', threshold: 10, hooks: tests, metrics: builtins('30s'),
    },
    noted: ['spec.ingressRef', ...provider, ...builtinSourceNotes(0, 1)],
  },
  'osm-progressive-delivery § Bootstrap': {
    run: { ...tutorial, router: 'osm', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: [],
  },
  'osm-progressive-delivery § Custom Metrics (the 404s percentage added to the Canary)': {
    run: { ...tutorial, router: 'osm', ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: tests, metrics: [...builtins('30s'), '404s percentage (inline query) ≤ 3 over 1m'] },
    noted: [],
  },
  // No HPA on this page; Kuma's deprecated thresholds: the success rate's minimum, the duration's maximum.
  'kuma-progressive-delivery § Bootstrap': {
    run: { ...PODINFO, progressDeadlineSeconds: 60, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '30s', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: provider,
  },
  'crossover-progressive-delivery § Bootstrap': {
    run: { ...tutorial, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: provider,
  },
  // Kanari has no Gloo Mesh router: SMI instead, with its route table reference dropped.
  'gloo-mesh-progressive-delivery § Bootstrap': {
    run: { ...PODINFO, progressDeadlineSeconds: 60, ...canaryRun({ stepWeight: 30, maxWeight: 50 }), interval: '20s', threshold: 5, hooks: tests, metrics: builtins('30s') },
    noted: ['spec.routeTableRef', ...provider, ...builtinSourceNotes(0, 1)],
  },
  'rollout-weights § Linear weights (maxWeight and stepWeight)': { run: { ...PODINFO, strategy: 'canary', weights: [0, 20, 40, 60], interval: '1m', threshold: 10 }, noted: provider },
  'rollout-weights § Non-linear weights (stepWeights)': { run: { ...PODINFO, strategy: 'canary', weights: [0, 1, 2, 10, 80], interval: '1m', threshold: 10 }, noted: provider },
};

const appmeshNotes = ['spec.service.retries', 'spec.service.match', ...provider, 'spec.service.timeout', 'spec.service.rewrite', ...builtinSourceNotes(0, 1)];
const appmeshRun = { ...tutorial, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '1m', threshold: 5, hooks: tests, metrics: builtins('30s') };
const appmeshAb = (matches: unknown[]) => ({ ...tutorial, ...abTest(10, matches), interval: '1m', threshold: 5, hooks: { rollout: ['load-test'] }, metrics: builtins('30s') });
const contourRun = { ...PODINFO, autoscaler: HPA, ports: port80, interval: '30s', threshold: 5, metrics: builtins('30s') };
const contourAb = (matches: unknown[]) => ({ ...contourRun, ...abTest(10, matches), interval: '1m', hooks: { rollout: ['load-test'] } });
const contourNotes = ['spec.service.retries', ...provider, 'spec.service.timeout'];
const glooRun = { ...PODINFO, autoscaler: HPA, interval: '10s', threshold: 5, metrics: builtins('30s') };
const glooAb = (matches: unknown[]) => ({ ...glooRun, ...abTest(10, matches), interval: '1m', hooks: { rollout: ['load-test'] } });
const glooNotes = [...provider, ...builtinSourceNotes(0, 1)];
const ROUTERS: ExpectedPage = {
  'appmesh-progressive-delivery § Bootstrap': { run: appmeshRun, noted: appmeshNotes },
  'appmesh-progressive-delivery § Bootstrap (the backends App Mesh lets the app call)': { run: appmeshRun, noted: ['spec.service.backends', ...appmeshNotes] },
  'appmesh-progressive-delivery § A/B Testing (X-Canary header)': { run: appmeshAb([header('x-canary', 'exact', 'insider')]), noted: appmeshNotes },
  'appmesh-progressive-delivery § A/B Testing (canary cookie)': { run: appmeshAb([header('cookie', 'regex', '^(.*?;)?(canary=insider)(;.*)?$')]), noted: appmeshNotes },
  'contour-progressive-delivery § Bootstrap': { run: { ...contourRun, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), hooks: tests }, noted: contourNotes },
  'contour-progressive-delivery § A/B Testing (X-Canary header)': { run: contourAb([header('x-canary', 'exact', 'insider')]), noted: contourNotes },
  'contour-progressive-delivery § A/B Testing (insider cookie)': { run: contourAb([header('cookie', 'suffix', 'insider')]), noted: contourNotes },
  'contour-progressive-delivery § A/B Testing (mobile users)': { run: contourAb([header('user-agent', 'prefix', 'Mobile')]), noted: contourNotes },
  'contour-progressive-delivery § A/B Testing (Android users)': { run: contourAb([header('user-agent', 'prefix', 'Android')]), noted: contourNotes },
  'contour-progressive-delivery § A/B Testing (a browser version)': { run: contourAb([header('user-agent', 'suffix', 'Firefox/71.0')]), noted: contourNotes },
  'gloo-progressive-delivery § Bootstrap': { run: { ...glooRun, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), hooks: tests }, noted: glooNotes },
  'gloo-progressive-delivery § Custom metrics (the 404s percentage added to the Canary)': {
    run: { ...glooRun, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), hooks: tests, metrics: [...builtins('30s'), templated('404s percentage', 'test/not-found-percentage', '≤ 5', '1m')] },
    noted: glooNotes,
  },
  'gloo-progressive-delivery § A/B Testing (X-Canary header)': { run: glooAb([header('x-canary', 'exact', 'insider')]), noted: glooNotes },
  'gloo-progressive-delivery § A/B Testing (mobile users)': { run: glooAb([header('user-agent', 'regex', '.*Mobile.*')]), noted: glooNotes },
  'gloo-progressive-delivery § A/B Testing (Android users)': { run: glooAb([header('user-agent', 'regex', '.*Android.*')]), noted: glooNotes },
  'gloo-progressive-delivery § A/B Testing (a browser version)': { run: glooAb([header('user-agent', 'regex', '.*Firefox.*')]), noted: glooNotes },
};

const nginxRun = { ...tutorial, ports: port80, interval: '10s', threshold: 10, hooks: tests, metrics: ['request-success-rate ≥ 99 over 1m'] };
const nginxNotes = ['spec.ingressRef', ...provider, ...builtinSourceNotes(0)];
const skipperHooks = { 'confirm-rollout': ['gate'], ...tests };
const edgeRun = { ...tutorial, ports: port80, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), interval: '10s', threshold: 10, metrics: builtins('1m') };
const apisixRun = { ...PODINFO, progressDeadlineSeconds: 60, ports: port80, ...canaryRun({ stepWeight: 10, maxWeight: 50 }), interval: '10s', threshold: 10, hooks: { rollout: ['load-test'] }, metrics: builtins('30s') };
const INGRESSES: ExpectedPage = {
  'nginx-progressive-delivery § Bootstrap': { run: { ...nginxRun, ...canaryRun({ stepWeight: 5, maxWeight: 50 }) }, noted: nginxNotes },
  'nginx-progressive-delivery § Custom metrics (the latency check added to the Canary)': {
    run: { ...nginxRun, ...canaryRun({ stepWeight: 5, maxWeight: 50 }), metrics: [...nginxRun.metrics, templated('latency', 'test/latency', '≤ 0.5', '1m')] },
    noted: nginxNotes,
  },
  'nginx-progressive-delivery § A/B Testing': {
    run: { ...nginxRun, ...abTest(10, [header('x-canary', 'exact', 'insider'), header('cookie', 'exact', 'canary')]), interval: '1m', hooks: { rollout: ['load-test'] } },
    noted: nginxNotes,
  },
  'skipper-progressive-delivery § Bootstrap': { run: { ...edgeRun, hooks: skipperHooks }, noted: ['spec.ingressRef', ...provider, ...builtinSourceNotes(0, 1)] },
  'skipper-progressive-delivery § Custom metrics (the latency check added to the Canary)': {
    run: { ...edgeRun, hooks: skipperHooks, metrics: [...builtins('1m'), templated('latency', 'test/latency', '≤ 0.5', '1m')] },
    noted: ['spec.ingressRef', ...provider, ...builtinSourceNotes(0, 1)],
  },
  'traefik-progressive-delivery § Bootstrap': { run: { ...edgeRun, hooks: tests }, noted: [...provider, ...builtinSourceNotes(0, 1)] },
  'traefik-progressive-delivery § Custom metrics (the 404s percentage added to the Canary)': {
    run: { ...edgeRun, hooks: tests, metrics: [...builtins('1m'), templated('404s percentage', 'test/not-found-percentage', '≤ 5', '1m')] },
    noted: [...provider, ...builtinSourceNotes(0, 1)],
  },
  'apisix-progressive-delivery § Bootstrap': { run: apisixRun, noted: ['spec.routeRef', ...provider, ...builtinSourceNotes(0, 1)] },
  'apisix-progressive-delivery § Custom metrics (the 404s percentage added to the Canary)': {
    run: { ...apisixRun, metrics: [...builtins('30s'), templated('404s percentage', 'test/not-found-percentage', '≤ 5', '1m')] },
    noted: ['spec.routeRef', ...provider, ...builtinSourceNotes(0, 1)],
  },
  'knative-progressive-delivery § Bootstrap': { refused: 'Knative Service targets', noted: [...provider, 'spec.targetRef.kind', ...builtinSourceNotes(0, 1)] },
};

const blueGreenRun = { ...tutorial, router: 'kubernetes', ports: ['http 9898→9898', ...DISCOVERED], ...blueGreen(10), interval: '30s', threshold: 2, hooks: smokeAndLoad, metrics: builtins('30s') };
const daemonSetRun = {
  ...PODINFO, target: 'DaemonSet/podinfo-ds', router: 'kubernetes', progressDeadlineSeconds: 60, ports: ['http 80→9898', ...DISCOVERED], ...blueGreen(5),
  interval: '15s', threshold: 10, metrics: builtins('30s'), hooks: { 'confirm-rollout': ['gate'], ...tests },
};
const KUBERNETES: ExpectedPage = {
  'kubernetes-blue-green § Bootstrap': { run: blueGreenRun, noted: builtinSourceNotes(0, 1) },
  'kubernetes-blue-green § Custom metrics (the 404s percentage added to the Canary)': {
    run: { ...blueGreenRun, metrics: [...builtins('30s'), templated('404s percentage', 'test/not-found-percentage', '≤ 5', '1m')] },
    noted: builtinSourceNotes(0, 1),
  },
  'kubernetes-blue-green § Conformance Testing with Helm (the pre-rollout hook added to the Canary)': {
    run: { ...blueGreenRun, hooks: { 'pre-rollout': ['smoke-test', 'conformance testing'], rollout: ['load-test'] } },
    noted: builtinSourceNotes(0, 1),
  },
  'prometheus-operator § Canary analysis': {
    run: {
      ...PODINFO, router: 'kubernetes', progressDeadlineSeconds: 60, ports: ['http 80→http'], ...blueGreen(10), interval: '30s', threshold: 2, hooks: { rollout: ['load-test'] },
      metrics: [templated('error-rate', 'test/error-rate', '≤ 1', '30s'), templated('latency', 'test/latency', '≤ 0.5', '30s')],
    },
    noted: [],
  },
  'keda-scaledobject § Bootstrap': { refused: 'KEDA', noted: ['spec.autoscalerRef.primaryScalerQueries', 'spec.autoscalerRef.kind', ...builtinSourceNotes(0, 1)] },
  'e2e-kubernetes-daemonset § Blue/Green initialization, analysis and promotion': { run: daemonSetRun, noted: builtinSourceNotes(0, 1) },
  'e2e-kubernetes-daemonset § Finalizers (revertOnDeletion)': { run: { ...daemonSetRun, settings: ['revertOnDeletion'] }, noted: builtinSourceNotes(0, 1) },
  // maxWeight 50 is ignored beside stepWeights, as in Flagger: the run goes to 60.
  'e2e-linkerd-steps § Canary initialization, analysis and promotion': {
    run: {
      ...PODINFO, router: 'gatewayapi', progressDeadlineSeconds: 60, ports: ['http 80→http', ...DISCOVERED], ...canaryRun({ stepWeights: [10, 20, 30, 40, 50, 60], maxWeight: 50 }),
      interval: '15s', threshold: 15, hooks: { rollout: ['load-test'] },
      metrics: [templated('success-rate', 'linkerd/success-rate', '≥ 99', '1m'), templated('latency', 'linkerd/latency', '≤ 500', '30s')],
    },
    noted: provider,
  },
};

export const TUTORIAL_PAGES: ExpectedPage = { ...ISTIO, ...HELM, ...GATEWAY_API, ...SMI_MESHES, ...ROUTERS, ...INGRESSES, ...KUBERNETES };
