import type { FlaggerValue } from './flagger-fields.ts';

/**
 * Values (and combinations) of Flagger fields whose outcome in Kanari differs from the field's own row
 * in flagger-field-table.ts. `kanari convert` and `kanari validate` take their notes and messages from
 * here, and the migration guide lists them.
 */

/** Flagger's routers Kanari has no router for (the enum of Flagger's CRD, less the ones Kanari serves). */
export const FLAGGER_FOREIGN_PROVIDERS = [
  'apisix',
  'appmesh',
  'appmesh:v1beta2',
  'contour',
  'gloo',
  'istio',
  'knative',
  'kuma',
  'nginx',
  'skipper',
  'traefik',
] as const;

/** Flagger's Gateway API routers: Kanari's Gateway API router writes the same HTTPRoute (docs/routers.md). */
export const FLAGGER_GATEWAY_PROVIDERS = ['gatewayapi:v1', 'gatewayapi:v1beta1'] as const;

/**
 * The fields only the Gateway API router reads, with the reason an SMI TrafficSplit cannot: kanari convert
 * drops them from a Canary on any other router, and the SMI router refuses a Canary that sets them.
 */
export const GATEWAY_ONLY_FIELDS: readonly { path: string; text: string }[] = [
  { path: 'spec.service.gatewayRefs', text: 'the Gateways of a Gateway API HTTPRoute: an SMI TrafficSplit attaches to no Gateway. Remove them, or set provider: gatewayapi' },
  { path: 'spec.service.timeout', text: 'a request timeout of an Istio VirtualService or Gateway API HTTPRoute: an SMI TrafficSplit has no timeouts. Remove it and set timeouts in your mesh\'s own configuration, or set provider: gatewayapi' },
  { path: 'spec.service.backendTimeout', text: 'a backend timeout of a Gateway API HTTPRoute: an SMI TrafficSplit has no timeouts. Remove it, or set provider: gatewayapi' },
  { path: 'spec.service.headers', text: 'header operations of an Istio VirtualService or Gateway API HTTPRoute: an SMI TrafficSplit cannot change headers. Remove them, or set provider: gatewayapi' },
  { path: 'spec.service.rewrite', text: 'a URI rewrite of an Istio VirtualService or Gateway API HTTPRoute: an SMI TrafficSplit cannot rewrite. Remove it, or set provider: gatewayapi' },
  { path: 'spec.analysis.mirror', text: 'traffic mirroring needs an Istio or Gateway API router; an SMI TrafficSplit cannot mirror. Remove it (a blue/green run then gives the canary only your load tests\' traffic, and a canary run starts without a mirrored first step), or set provider: gatewayapi' },
  { path: 'spec.analysis.mirrorWeight', text: 'the share of mirrored traffic: an SMI TrafficSplit cannot mirror. Remove it, or set provider: gatewayapi' },
  { path: 'spec.analysis.sessionAffinity', text: 'session affinity cookies need a Gateway API router; an SMI TrafficSplit cannot set cookies. Remove it (during a weighted run a user\'s requests may then reach either version), or set provider: gatewayapi' },
  { path: 'spec.analysis.match[].queryParams', text: 'SMI HTTPRouteGroups cannot match query parameters, and without them the A/B test would send other users to the canary. Match on headers (or uri, method) instead, or set provider: gatewayapi' },
];

/** Providers whose TrafficSplit root service is `service.hosts[0]`, as Flagger's SMI router reads it. */
export const FLAGGER_SMI_PROVIDERS = ['smi', 'smi:v1alpha1', 'smi:v1alpha2', 'smi:v1alpha3', 'linkerd', 'osm'] as const;

/** Flagger never runs an analysis more often than this. */
export const FLAGGER_MIN_INTERVAL = '10s';

/** Iterations Flagger gives a weighted Canary on the kubernetes provider (scheduler.go). */
export const FLAGGER_KUBERNETES_ITERATIONS = 10;

const value = (path: string, written: string, outcome: FlaggerValue['outcome'], text: string): FlaggerValue => ({ path, value: written, outcome, text });

export const FLAGGER_VALUES: readonly FlaggerValue[] = [
  value(
    'spec.provider',
    '(unset)',
    'noted',
    'Flagger ran this Canary on the router of its -mesh-provider flag; Kanari routes it with smi (SMI TrafficSplit). Set spec.provider if your Flagger used another router (kubernetes for none)',
  ),
  ...FLAGGER_SMI_PROVIDERS.map((provider) => value('spec.provider', provider, 'same', 'SMI TrafficSplit, as in Flagger.')),
  value(
    'spec.provider',
    '(unset) with service.gatewayRefs',
    'rewritten',
    'Flagger ran this Canary on the router of its -mesh-provider flag, and its gatewayRefs say that was the Gateway API: kanari convert writes provider: gatewayapi (Kanari\'s Gateway API router, v1 where served)',
  ),
  ...FLAGGER_GATEWAY_PROVIDERS.map((provider) => value('spec.provider', provider, 'same', 'Gateway API HTTPRoute, as in Flagger: the route named after the apex Service, attached to `service.gatewayRefs` or in-mesh to the apex Service (docs/routers.md).')),
  ...GATEWAY_ONLY_FIELDS.map(({ path, text }) => value(path, `with a provider other than ${FLAGGER_GATEWAY_PROVIDERS.join(', ')}`, path.endsWith('queryParams') ? 'refused' : 'dropped', text)),
  value('spec.provider', 'kubernetes', 'same', 'No traffic API: the apex Service stays on the primary and the canary is reached through its `-canary` Service, by your webhooks and load tests. Blue/green only, as in Flagger.'),
  ...FLAGGER_FOREIGN_PROVIDERS.map((provider) =>
    value(
      'spec.provider',
      provider,
      'rewritten',
      `Kanari has no ${provider} router: kanari convert writes provider: smi (the cluster must then serve the SMI TrafficSplit API) and drops the router's own fields; write provider: kubernetes to route nothing`,
    ),
  ),
  value(
    'spec.analysis.stepWeight',
    'stepWeight or stepWeights with provider: kubernetes',
    'rewritten',
    `the kubernetes provider routes no traffic, so Flagger runs ${FLAGGER_KUBERNETES_ITERATIONS} blue/green iterations instead (with a warning Event): write iterations: ${FLAGGER_KUBERNETES_ITERATIONS} (kanari convert does)`,
  ),
  value(
    'spec.analysis.match',
    'match with provider: kubernetes',
    'dropped',
    'the kubernetes provider routes no traffic, so Flagger ignores these conditions (with a warning Event) and runs a blue/green. Remove them',
  ),
  value(
    'spec.analysis.metrics[].name',
    'request-success-rate or request-duration with a provider other than smi, linkerd, osm, istio',
    'noted',
    'Flagger read this built-in metric from the router\'s own Prometheus metrics; Kanari reads the SMI TrafficMetrics API, or with metricsServer the mesh\'s metrics (linkerd unless spec.mesh says istio or osm). Use a MetricTemplate with your router\'s query to keep Flagger\'s',
  ),
  value('spec.targetRef.kind', 'Service', 'refused', 'Knative Service targets: Kanari releases Deployments and DaemonSets. Keep this workload on Flagger, or release its Deployment'),
  value('spec.autoscalerRef.kind', 'ScaledObject', 'refused', 'KEDA ScaledObjects: Kanari copies HorizontalPodAutoscalers only. Point autoscalerRef at an HPA, or remove autoscalerRef and scale the primary yourself'),
  value(
    'spec.service.hosts',
    'hosts with a provider other than smi, linkerd, osm, gatewayapi',
    'dropped',
    'host names of an Istio VirtualService, not the TrafficSplit\'s root service. Remove them (Kanari uses the apex Service as the root service); with provider: gatewayapi they are the HTTPRoute\'s hostnames',
  ),
  value('spec.service.headless', 'false', 'same', 'Same as unset; kanari convert leaves it out.'),
  value('spec.analysis.mirror', 'false', 'same', 'Same as unset; kanari convert leaves it out.'),
  value('spec.analysis.interval', `below ${FLAGGER_MIN_INTERVAL}`, 'rewritten', `Flagger checked every ${FLAGGER_MIN_INTERVAL} (its minimum): kanari convert writes ${FLAGGER_MIN_INTERVAL}`),
  value('spec.analysis.threshold', 'below 0', 'rewritten', 'Flagger reads a threshold below 1 as 1: kanari convert writes 1'),
  value(
    'spec.analysis.alerts[].severity',
    '""',
    'dropped',
    'Flagger sends nothing to an alert with an empty severity (no message has one). Write info for every message, warn or error for fewer, or remove the alert (kanari convert removes it)',
  ),
  value('spec.analysis.webhooks[].type', '""', 'same', 'A `rollout` hook, as in Flagger.'),
  // Docs pages name routers and scalers beyond those (gloo-mesh, a KEDA HTTPScaledObject): say what Kanari does.
  value(
    'spec.provider',
    '(another router)',
    'rewritten',
    "Kanari has no router of that name: kanari convert writes provider: smi (the cluster must then serve the SMI TrafficSplit API) and drops the router's own fields; write provider: kubernetes to route nothing",
  ),
  value('spec.autoscalerRef.kind', '(another kind)', 'refused', 'Kanari copies HorizontalPodAutoscalers only. Point autoscalerRef at an HPA, or remove autoscalerRef and scale the primary yourself'),
];
