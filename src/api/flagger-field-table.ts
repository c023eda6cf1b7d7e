import type { FlaggerField, FlaggerOutcome } from './flagger-fields.ts';

/**
 * Every field of Flagger's Canary (flagger.app/v1beta1) and what Kanari does with it. Texts are read by
 * people: in validation messages, in `kanari convert`'s notes and in docs/migrating-from-flagger.md.
 * Values whose outcome differs from their field's are in flagger-field-values.ts.
 */

const row = (outcome: FlaggerOutcome) => (path: string, text: string, extra: Partial<FlaggerField> = {}): FlaggerField => ({ path, outcome, text, ...extra });
const same = row('same');
const dropped = row('dropped');
const refused = row('refused');
const rewritten = row('rewritten');

const ROUTER_ALTERNATIVES = 'Kanari routes with SMI TrafficSplit (`provider: smi`, `linkerd`, `osm`), Gateway API HTTPRoute (`provider: gatewayapi`) or not at all (`provider: kubernetes`)';

const TARGET_AND_SCALER: FlaggerField[] = [
  same('spec.provider', 'The router: `smi`, `smi:v1alpha1`…`smi:v1alpha4`, `linkerd` and `osm` write SMI TrafficSplits; `gatewayapi:v1` and `gatewayapi:v1beta1` Gateway API HTTPRoutes; `kubernetes` routes nothing (blue/green through the `-canary` Service). Other routers: see the values below.'),
  same('spec.metricsServer', 'Prometheus for the built-in metrics and for inline `query` metrics.'),
  same('spec.progressDeadlineSeconds', 'Seconds the canary, or the primary while promoted, may take to become ready.'),
  same('spec.targetRef.apiVersion', 'As written (`apps/v1`).'),
  same('spec.targetRef.kind', '`Deployment` or `DaemonSet`.'),
  same('spec.targetRef.name', 'The workload released; Kanari creates `<name>-primary` from it.'),
  same('spec.autoscalerRef.apiVersion', 'As written.'),
  same('spec.autoscalerRef.kind', '`HorizontalPodAutoscaler`: the primary gets a copy named `<name>-primary`.'),
  same('spec.autoscalerRef.name', 'The target\'s HPA.'),
  refused(
    'spec.autoscalerRef.primaryScalerQueries',
    'KEDA ScaledObject queries for the primary\'s scaler: Kanari copies HorizontalPodAutoscalers only. Point autoscalerRef at an HPA, or remove autoscalerRef and scale the primary yourself',
    { subtree: true },
  ),
  same('spec.autoscalerRef.primaryScalerReplicas.minReplicas', 'Overrides the minimum of the primary\'s HPA copy.'),
  same('spec.autoscalerRef.primaryScalerReplicas.maxReplicas', 'Overrides the maximum of the primary\'s HPA copy.'),
  dropped('spec.ingressRef', `routing through an NGINX or Skipper Ingress: Kanari does not route through an Ingress. Remove it; ${ROUTER_ALTERNATIVES}`, { subtree: true }),
  dropped('spec.routeRef', `routing through an APISIX route: Kanari does not route through APISIX. Remove it; ${ROUTER_ALTERNATIVES}`, { subtree: true }),
  dropped('spec.upstreamRef', `a Gloo Upstream to copy: Kanari does not route through Gloo. Remove it; ${ROUTER_ALTERNATIVES}`, { subtree: true }),
];

const ISTIO = 'Kanari\'s routers write no Istio VirtualService or DestinationRule';

const SERVICE: FlaggerField[] = [
  same('spec.service.name', 'Name of the apex Service (default: the target\'s name); `<name>-primary` and `<name>-canary` are created beside it.'),
  same('spec.service.port', 'Port of the generated Services.'),
  same('spec.service.portName', 'Name of that port (default `http`).'),
  same('spec.service.appProtocol', 'appProtocol of that port.'),
  same('spec.service.targetPort', 'Container port number or name (default: `port`).'),
  same('spec.service.portDiscovery', 'Adds every other container port of the target to the generated Services, by its name (`tcp-<container>-<index>` when unnamed); sidecars `istio-proxy` and `envoy` are skipped.'),
  dropped('spec.service.trafficDistribution', 'Kanari does not set trafficDistribution on the Services it generates. Remove it; on an apex Service you created yourself Kanari leaves the field as you set it'),
  refused('spec.service.headless', 'Kanari generates Services with a cluster IP; headless Services are not supported. Remove it: clients then reach the pods through the Services\' cluster IPs'),
  same('spec.service.timeout', 'Gateway API router: the route\'s request timeout (`rules[].timeouts.request`). With any other router, see the values below.'),
  same('spec.service.backendTimeout', 'Gateway API router: the timeout of each try to a backend (`rules[].timeouts.backendRequest`). With any other router, see the values below.'),
  dropped('spec.service.meshName', 'an App Mesh mesh name: Kanari does not route with App Mesh. Remove it'),
  dropped('spec.service.backends', 'App Mesh virtual node backends: Kanari does not route with App Mesh. Remove them', { subtree: true }),
  same('spec.service.hosts', '`hosts[0]` is the TrafficSplit\'s root service, as with Flagger\'s SMI providers; with `gatewayapi` the HTTPRoute\'s hostnames, as in Flagger. The host names of an Istio VirtualService are something else (see the values below).'),
  dropped('spec.service.delegation', `Istio VirtualService delegation: ${ISTIO}. Remove it`),
  dropped('spec.service.match', `request conditions of an Istio VirtualService: ${ISTIO}; an SMI TrafficSplit routes every request of the service. Remove it`, { subtree: true }),
  dropped('spec.service.retries', `an Istio retry policy: ${ISTIO}. Remove it and set retries in your mesh's own configuration`, { subtree: true }),
  same('spec.service.rewrite', 'Gateway API router: a URLRewrite filter (`uri`, `authority`). With any other router, see the values below.', { subtree: true }),
  dropped('spec.service.mirror', 'Gateway API request mirror filters: an SMI TrafficSplit cannot mirror requests. Remove them', { subtree: true }),
  same('spec.service.headers', 'Gateway API router: RequestHeaderModifier and ResponseHeaderModifier filters. With any other router, see the values below.', { subtree: true }),
  dropped('spec.service.gateways', `Istio gateways: ${ISTIO}. Remove them`, { subtree: true }),
  same('spec.service.gatewayRefs', 'Gateway API router: the HTTPRoute\'s parents (north–south); without them the route attaches to the apex Service (in-mesh). With any other router, see the values below.', { subtree: true }),
  dropped('spec.service.corsPolicy', `an Istio CORS policy: ${ISTIO}. Remove it`, { subtree: true }),
  dropped('spec.service.trafficPolicy', `an Istio DestinationRule traffic policy: ${ISTIO}. Remove it and set it in your mesh's own configuration`, { subtree: true }),
  same('spec.service.apex.labels.*', 'Labels added to the apex Service.'),
  same('spec.service.apex.annotations.*', 'Annotations added to the apex Service.'),
  same('spec.service.primary.labels.*', 'Labels added to the `-primary` Service.'),
  same('spec.service.primary.annotations.*', 'Annotations added to the `-primary` Service.'),
  same('spec.service.canary.labels.*', 'Labels added to the `-canary` Service.'),
  same('spec.service.canary.annotations.*', 'Annotations added to the `-canary` Service.'),
  dropped('spec.service.unmanagedMetadata', 'Kanari never removes labels or annotations it did not set on its Services, so every other key is already left alone. Remove it', { subtree: true }),
  same('spec.skipAnalysis', 'Promote new revisions without analysis.'),
  same('spec.revertOnDeletion', 'On deletion, route everything back to the target and remove what Kanari created.'),
  same('spec.suspend', 'Nothing moves until it is unset.'),
];

const ANALYSIS: FlaggerField[] = [
  same('spec.analysis.interval', 'Time between checks. Flagger never checks more often than every 10s; Kanari checks at the interval written (see the values below).'),
  same('spec.analysis.iterations', 'Checks to pass: blue/green, or A/B testing with `match`.'),
  same('spec.analysis.threshold', 'Failed checks before rollback; 0 counts as 1, as in Flagger.'),
  same('spec.analysis.maxWeight', 'Weight at which the canary is promoted; the step that reaches it is taken whole (stepWeight 20, maxWeight 50: 20, 40, 60). Ignored beside `stepWeights` or `iterations`, as in Flagger.'),
  same('spec.analysis.stepWeight', 'Weight added per passed check.'),
  same('spec.analysis.stepWeights', 'Ascending weights, one per passed check; the last one (at most 100) is the weight of promotion.'),
  same('spec.analysis.stepWeightPromotion', 'Weight moved back to the primary per interval after promotion.'),
  same('spec.analysis.mirror', 'Gateway API router: requests copied to the canary (blue/green: for the analysis; canary: one step before the first weight). With any other router, see the values below.'),
  same('spec.analysis.mirrorWeight', 'Gateway API router: the percent of requests mirrored, where the HTTPRoute CRD has mirror percent (v1.2+). With any other router, see the values below.'),
  same('spec.analysis.primaryReadyThreshold', 'Percent of primary replicas that must be available.'),
  same('spec.analysis.canaryReadyThreshold', 'Percent of canary replicas that must be available.'),
  same('spec.analysis.match[].headers.*.exact', 'A/B test conditions, written to an SMI HTTPRouteGroup (TrafficSplit v1alpha3 or newer) or to the HTTPRoute\'s matches.'),
  same('spec.analysis.match[].headers.*.prefix', 'As above.'),
  same('spec.analysis.match[].headers.*.suffix', 'As above.'),
  same('spec.analysis.match[].headers.*.regex', 'As above.'),
  same('spec.analysis.match[].queryParams', 'Gateway API router: query parameters the request must carry (exact, prefix, suffix, regex). With any other router, see the values below.', { subtree: true }),
  refused(
    'spec.analysis.match[].sourceLabels',
    'Istio source-workload conditions: SMI HTTPRouteGroups match requests, not the workloads sending them. Match on a header the sender sets instead',
    { subtree: true },
  ),
  same('spec.analysis.metrics[].name', 'A built-in metric (`request-success-rate`, `request-duration`) or any name beside `templateRef` or `query`.'),
  same('spec.analysis.metrics[].interval', 'The window the metric is measured over.'),
  same('spec.analysis.metrics[].threshold', 'Deprecated single bound: the minimum of `request-success-rate`, the maximum of any other metric; ignored beside `thresholdRange`, as in Flagger.'),
  same('spec.analysis.metrics[].thresholdRange.min', 'Lowest passing value.'),
  same('spec.analysis.metrics[].thresholdRange.max', 'Highest passing value.'),
  same('spec.analysis.metrics[].query', 'An inline PromQL query, run as written against `spec.metricsServer` (or the controller\'s `--metrics-server`). Beside a `templateRef`, both are checked, as in Flagger.'),
  same('spec.analysis.metrics[].templateRef.name', 'A MetricTemplate.'),
  same('spec.analysis.metrics[].templateRef.namespace', 'Its namespace (default: the Canary\'s).'),
  same('spec.analysis.metrics[].templateVariables.*', 'Values for `{{ variables.<key> }}` in the template\'s query.'),
  same('spec.analysis.alerts[].name', 'Name of the alert.'),
  same('spec.analysis.alerts[].severity', '`info` (everything), `warn` (warnings and errors) or `error`. An empty severity sends nothing in Flagger (see the values below).'),
  same('spec.analysis.alerts[].providerRef.name', 'An AlertProvider.'),
  same('spec.analysis.alerts[].providerRef.namespace', 'Its namespace (default: the Canary\'s).'),
  same('spec.analysis.webhooks[].name', 'Name of the webhook.'),
  same('spec.analysis.webhooks[].type', 'When it is called and what its answer means; an empty type is a `rollout` hook, as in Flagger.'),
  same('spec.analysis.webhooks[].muteAlert', 'No alert when this webhook holds the run.'),
  same('spec.analysis.webhooks[].url', 'Where the payload is POSTed.'),
  same('spec.analysis.webhooks[].timeout', 'Request timeout (default 10s).'),
  same('spec.analysis.webhooks[].retries', 'Retries on connection errors, 429 and 5xx, with exponential backoff; any number, as in Flagger.'),
  same('spec.analysis.webhooks[].disableTLS', 'Skip TLS certificate verification.'),
  same('spec.analysis.webhooks[].metadata.*', 'Sent in the payload\'s `metadata`.'),
  same('spec.analysis.sessionAffinity', 'Gateway API router: users who reach the canary get a cookie that keeps them there for the run (`cookieName`, `maxAge`, `primaryCookieName`); the values live in the status. With any other router, see the values below.', { subtree: true }),
  rewritten('spec.canaryAnalysis', 'Flagger\'s deprecated name of `analysis`: write `analysis` (kanari convert renames it)', { subtree: true, deprecated: true }),
];

/** The table, in the order of Flagger's CRD. */
export const FLAGGER_FIELDS: readonly FlaggerField[] = [...TARGET_AND_SCALER, ...SERVICE, ...ANALYSIS];
