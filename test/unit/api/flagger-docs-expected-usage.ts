import {
  abTest,
  blueGreen,
  builtins,
  canaryRun,
  duration,
  header,
  HOW_IT_WORKS_ANALYSIS,
  HPA,
  DISCOVERED,
  PODINFO,
  successRate,
  templated,
  type ExpectedPage,
} from './flagger-docs-expected.ts';

/**
 * What Flagger runs for the Canaries of its usage pages and FAQ (how it works, deployment strategies,
 * metrics, webhooks, alerting, monitoring). None sets a provider: Flagger routes them with the router of
 * its -mesh-provider flag, and convert says so (`spec.provider`).
 */

const hiw = { ...PODINFO, ...HOW_IT_WORKS_ANALYSIS };
const loadTest = { rollout: ['load-test'] };
const provider = ['spec.provider'];

const HOW_IT_WORKS: ExpectedPage = {
  'how-it-works § Canary resource': { run: { ...hiw, hooks: loadTest, metrics: builtins('1m') }, noted: provider },
  'how-it-works § Canary target (progressDeadlineSeconds and autoscalerRef with primaryScalerReplicas)': {
    run: { ...hiw, progressDeadlineSeconds: 60, autoscaler: HPA, settings: ['primary replicas 2–5'] },
    noted: provider,
  },
  'how-it-works § Canary service (name, port, portName, appProtocol, targetPort, portDiscovery, headless, trafficDistribution)': {
    run: { ...hiw, ports: ['http 9898→9898', ...DISCOVERED] },
    noted: ['spec.service.trafficDistribution', ...provider],
  },
  'how-it-works § Canary service (annotations and labels of the generated Services)': { run: hiw, noted: provider },
  'how-it-works § Canary service (URI match and rewrite, timeout and retries)': {
    run: hiw,
    noted: ['spec.service.match', 'spec.service.retries', ...provider, 'spec.service.timeout', 'spec.service.rewrite'],
  },
  'how-it-works § Canary finalizers (revertOnDeletion)': { run: { ...hiw, settings: ['revertOnDeletion'] }, noted: provider },
  'how-it-works § Canary analysis (the two ready thresholds; the spec leaves its other fields blank)': { run: hiw, noted: provider },
};

const ds = { ...PODINFO, interval: '1m' };
const DEPLOYMENT_STRATEGIES: ExpectedPage = {
  // stepWeightPromotion 100 moves all traffic back in one step, as without it.
  'deployment-strategies § Canary Release': { run: { ...ds, threshold: 10, ...canaryRun({ stepWeight: 2, maxWeight: 50 }), settings: ['stepWeightPromotion 100'] }, noted: provider },
  // The page's own figures: 20, 40, 60, then promotion; and 1, 2, 10, 80.
  'deployment-strategies § Rollout Weights (linear: maxWeight and stepWeight)': { run: { ...ds, threshold: 10, strategy: 'canary', weights: [0, 20, 40, 60] }, noted: provider },
  'deployment-strategies § Rollout Weights (non-linear: stepWeights)': { run: { ...ds, threshold: 10, strategy: 'canary', weights: [0, 1, 2, 10, 80] }, noted: provider },
  'deployment-strategies § A/B Testing (the first Istio example: header and cookie regexes)': {
    run: { ...ds, threshold: 2, ...abTest(10, [header('x-canary', 'regex', '.*insider.*'), header('cookie', 'regex', '^(.*?;)?(canary=always)(;.*)?$')]) },
    noted: provider,
  },
  // An SMI HTTPRouteGroup cannot match the sending workload: dropping the condition would change who reaches the canary.
  'deployment-strategies § A/B Testing (the second Istio example: exact header, cookie regex, source labels)': {
    refused: 'Istio source-workload conditions',
    noted: ['spec.analysis.match[2].sourceLabels', ...provider],
  },
  'deployment-strategies § A/B Testing (App Mesh example)': { run: { ...ds, threshold: 10, ...abTest(2, [header('user-agent', 'regex', '.*Chrome.*')]) }, noted: provider },
  'deployment-strategies § A/B Testing (Contour example)': { run: { ...ds, threshold: 10, ...abTest(2, [header('user-agent', 'prefix', 'Chrome')]) }, noted: provider },
  'deployment-strategies § A/B Testing (NGINX example)': {
    run: { ...ds, threshold: 10, ...abTest(2, [header('x-canary', 'exact', 'insider'), header('cookie', 'exact', 'canary')]) },
    noted: provider,
  },
  'deployment-strategies § Blue/Green Deployments': { run: { ...ds, threshold: 2, ...blueGreen(10) }, noted: provider },
  // Mirroring is a pre-stage of the same ten iterations: without it the canary gets only the load tests' traffic.
  'deployment-strategies § Blue/Green with Traffic Mirroring': { run: { ...ds, threshold: 2, ...blueGreen(10) }, noted: [...provider, 'spec.analysis.mirror', 'spec.analysis.mirrorWeight'] },
  'deployment-strategies § Canary Release with Session Affinity': { run: { ...ds, threshold: 10, ...canaryRun({ stepWeight: 2, maxWeight: 50 }) }, noted: [...provider, 'spec.analysis.sessionAffinity'] },
  'deployment-strategies § Configuring stickiness for Primary deployment': { run: hiw, noted: [...provider, 'spec.analysis.sessionAffinity'] },
  'deployment-strategies § Configuring additional cookie attributes': { run: hiw, noted: [...provider, 'spec.analysis.sessionAffinity'] },
};

const METRICS: ExpectedPage = {
  'metrics § Builtin metrics': { run: { ...hiw, metrics: [successRate(99, '1m'), duration(500, '1m')] }, noted: provider },
  'metrics § Custom metrics (templateRef)': { run: { ...hiw, metrics: [templated('my metric', 'flagger/my-metric', '≥ 10 ≤ 1000', '1m')] }, noted: provider },
  'metrics § Custom metrics (templateVariables)': { run: { ...hiw, metrics: [templated('my metric', 'flagger/my-metric', '≥ 10 ≤ 1000', '1m')] }, noted: provider },
  'metrics § Prometheus (the 404s percentage)': { run: { ...hiw, metrics: [templated('404s percentage', 'istio-system/not-found-percentage', '≤ 5', '1m')] }, noted: provider },
  // The Canary converts; its Datadog template does not (see the templates' expectations).
  'metrics § Datadog (the same list, for the Datadog template)': { run: { ...hiw, metrics: [templated('404s percentage', 'istio-system/not-found-percentage', '≤ 5', '1m')] }, noted: provider },
  'metrics § Amazon CloudWatch': { run: { ...hiw, metrics: [templated('app error rate', 'test/cloudwatch-error-rate', '≤ 0.1', '1m')] }, noted: provider },
  'metrics § New Relic': { run: { ...hiw, metrics: [templated('error rate', 'ingress-nginx/newrelic-error-rate', '≤ 5', '1m')] }, noted: provider },
  // Graphite reads `1min`; Kanari's windows are durations, and kanari convert prints what to edit.
  'metrics § Graphite (the page writes the interval `1min`)': {
    edit: ['spec.analysis.metrics[0].interval = "1min": must be a duration: a number with a unit, e.g. 30s, 1m30s, 1h, 500ms'],
    noted: provider,
  },
  'metrics § Dynatrace': { run: { ...hiw, metrics: [templated('response-time-95pct', 'istio-system/response-time-95pct', '≤ 1000', '1m')] }, noted: provider },
  'metrics § Splunk': { run: { ...hiw, metrics: [templated('success rate', 'istio-system/success-rate', '≤ 99', '1m')] }, noted: provider },
};

const WEBHOOKS: ExpectedPage = {
  'webhooks § Webhooks (the spec with every hook type)': {
    run: {
      ...hiw,
      hooks: {
        'confirm-rollout': ['start gate'],
        'pre-rollout': ['helm test'],
        rollout: ['load test'],
        'confirm-traffic-increase': ['traffic increase gate'],
        'confirm-promotion': ['promotion gate'],
        'post-rollout': ['notify'],
        rollback: ['rollback gate'],
        event: ['send to Slack'],
      },
      settings: ['start gate: 5 retries', 'send to Slack: 3 retries'],
    },
    noted: provider,
  },
  'webhooks § Load Testing (GET and POST)': { run: { ...hiw, hooks: { rollout: ['load-test-get', 'load-test-post'] } }, noted: provider },
  'webhooks § Load Testing (the public URL over HTTP2)': { run: { ...hiw, hooks: { rollout: ['load-test-get'] } }, noted: provider },
  'webhooks § Load Testing (gRPC with ghz)': { run: { ...hiw, hooks: { rollout: ['grpc-load-test'] } }, noted: provider },
  'webhooks § Load Testing (gRPC health check without reflection)': { run: { ...hiw, hooks: { rollout: ['grpc-load-test-no-reflection'] } }, noted: provider },
  // Webhook metadata is a map of strings in Flagger's CRD too: `clone: 100` has to be quoted.
  'webhooks § Load Testing Delegation (nGrinder)': { edit: ['spec.analysis.webhooks[0].metadata.clone: must be a string'], noted: provider },
  'webhooks § K6 Load Tester': { run: { ...hiw, hooks: { 'pre-rollout': ['k6-load-test'] } }, noted: provider },
  'webhooks § Integration Testing (Helm test)': { run: { ...hiw, hooks: { 'pre-rollout': ['smoke test'] } }, noted: provider },
  'webhooks § Integration Testing (Helm v3 test)': { run: { ...hiw, hooks: { 'pre-rollout': ['smoke test'] } }, noted: provider },
  'webhooks § Integration Testing (Bats)': { run: { ...hiw, hooks: { 'pre-rollout': ['acceptance tests'] } }, noted: provider },
  'webhooks § Integration Testing (Concord)': { run: { ...hiw, hooks: { 'pre-rollout': ['concord integration test'] } }, noted: provider },
  'webhooks § Integration Testing (kubectl)': { run: { ...hiw, hooks: { 'pre-rollout': ['smoke test'] } }, noted: provider },
  'webhooks § Manual Gating (a gate that halts)': { run: { ...hiw, hooks: { 'confirm-rollout': ['gate'] } }, noted: provider },
  'webhooks § Manual Gating (notifications muted)': { run: { ...hiw, hooks: { 'confirm-rollout': ['gate'] }, settings: ['gate: alerts muted'] }, noted: provider },
  'webhooks § Manual Gating (a gate that approves)': { run: { ...hiw, hooks: { 'confirm-rollout': ['gate'] } }, noted: provider },
  'webhooks § Manual Gating (a gate driven through the tester API)': { run: { ...hiw, hooks: { 'confirm-rollout': ['ask for confirmation'] } }, noted: provider },
  'webhooks § Manual Gating (promotion gate)': { run: { ...hiw, hooks: { 'confirm-promotion': ['promotion gate'] } }, noted: provider },
  'webhooks § Manual Gating (rollback)': { run: { ...hiw, hooks: { rollback: ['rollback'] } }, noted: provider },
};

const ALERTING_AND_MONITORING: ExpectedPage = {
  // providerRef without a namespace is the Canary's (test), as the page says.
  'alerting § Canary configuration (alerts)': {
    run: { ...hiw, alerts: ['on-call Slack: error → flagger/on-call', 'qa Discord: warn → test/qa-discord', 'dev MS Teams: info → test/dev-msteams'] },
    noted: provider,
  },
  'monitoring § Event Webhook (overwritten at canary level)': { run: { ...hiw, hooks: { event: ['send to Slack'] } }, noted: provider },
};

const istio = ['spec.service.gateways', 'spec.service.trafficPolicy'];
const FAQ: ExpectedPage = {
  // targetPort names the container port, as Flagger writes it into the Services.
  'faq § Kubernetes services (how is an application exposed inside the cluster)': { run: { ...hiw, ports: ['http 9898→http'] }, noted: provider },
  // The FAQ's own workload: the unnamed 9090 is discovered and named after its container, as Flagger does.
  'faq § Multiple ports (port discovery; the FAQ\'s Deployment has one container `app` with ports 8080 and 9090)': {
    run: { ...hiw, ports: ['http 8080→8080', 'tcp-app-1 9090→9090'] },
    noted: ['spec.service.trafficPolicy', ...provider],
    podSpec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }, { containerPort: 9090 }] }] },
  },
  'faq § Istio routing (frontend, inside and outside the mesh)': {
    run: { ...hiw, target: 'Deployment/frontend', ports: ['http-frontend 9898→9898'] },
    noted: [...istio, 'spec.service.match', 'spec.service.retries', 'spec.service.corsPolicy', ...provider, 'spec.service.hosts', 'spec.service.headers', 'spec.service.rewrite'],
  },
  'faq § Istio routing (backend, inside the mesh only)': { run: { ...hiw, target: 'Deployment/backend' }, noted: ['spec.service.trafficPolicy', ...provider] },
  'faq § Istio routing (delegation)': {
    run: { ...PODINFO, interval: '15s', threshold: 15, ...canaryRun({ stepWeight: 10, maxWeight: 30 }) },
    noted: ['spec.service.delegation', ...provider],
  },
  'faq § Istio Ingress Gateway (website)': {
    run: { ...hiw, target: 'Deployment/website', ports: ['http 8080→8080'] },
    noted: ['spec.service.gateways', 'spec.service.match', ...provider, 'spec.service.hosts', 'spec.service.rewrite'],
  },
  'faq § Istio Ingress Gateway (webapi)': {
    run: { ...hiw, target: 'Deployment/webapi', ports: ['http 8080→8080'] },
    noted: ['spec.service.gateways', 'spec.service.match', ...provider, 'spec.service.hosts', 'spec.service.rewrite'],
  },
  'faq § Istio Mutual TLS (ISTIO_MUTUAL)': { run: hiw, noted: ['spec.service.trafficPolicy', ...provider] },
  'faq § Istio Mutual TLS (permissive mode: DISABLE)': { run: hiw, noted: ['spec.service.trafficPolicy', ...provider] },
  'faq § ExternalDNS (annotations)': { run: hiw, noted: provider },
  'faq § Metrics (HTTP requests success rate percentage)': { run: { ...hiw, metrics: [successRate(99, '1m')] }, noted: provider },
  'faq § Metrics (HTTP requests milliseconds duration P99)': { run: { ...hiw, metrics: [duration(500, '1m')] }, noted: provider },
};

export const USAGE_PAGES: ExpectedPage = { ...HOW_IT_WORKS, ...DEPLOYMENT_STRATEGIES, ...METRICS, ...WEBHOOKS, ...ALERTING_AND_MONITORING, ...FAQ };
