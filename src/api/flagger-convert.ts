import { CANARY_API_VERSION, MESHES, WEBHOOK_TYPES } from './canary.ts';
import { ALERT_PROVIDER_TYPES } from './alert-provider.ts';
import { METRIC_PROVIDER_TYPES } from './metric-template.ts';
import { SMI_MESH_ALIASES, SMI_VERSIONS } from './router-provider.ts';
import { isFlaggerGatewayProvider, joinGatewayFields, splitGatewayFields } from './flagger-convert-gateway.ts';
import { childPath } from './validation-error.ts';
import { objectLabel } from './yaml-documents.ts';

/**
 * Flagger (flagger.app) Canary, MetricTemplate and AlertProvider objects → Kanari objects. Pure: every
 * field that cannot be carried over is reported as a note saying why, so nothing is lost silently.
 */

type Json = { [key: string]: unknown };

/** A Flagger field left behind (or changed) on the way, and why. */
export interface ConversionNote {
  /** `Kind/name` of the Flagger object. */
  object: string;
  path: string;
  reason: string;
}

/** What one input document became; `converted` is undefined when the object could not be carried over at all. */
export interface DocumentConversion {
  source: 'flagger' | 'other';
  converted?: Json;
}

export interface ConversionResult {
  documents: DocumentConversion[];
  notes: ConversionNote[];
  /** How many Flagger objects became Kanari objects. */
  convertedCount: number;
}

export const FLAGGER_GROUP = 'flagger.app';

/** `Canary/podinfo: spec.analysis.mirror: traffic mirroring is not expressible with SMI TrafficSplit`. */
export function formatConversionNote(note: ConversionNote): string {
  return note.path ? `${note.object}: ${note.path}: ${note.reason}` : `${note.object}: ${note.reason}`;
}

/** Converts each document; non-Flagger documents pass through unchanged. */
export function convertFlaggerDocuments(documents: unknown[]): ConversionResult {
  const notes: ConversionNote[] = [];
  let convertedCount = 0;
  const converted = documents.map((document): DocumentConversion => {
    const apiVersion = (document as Json | null)?.apiVersion;
    if (typeof apiVersion !== 'string' || !apiVersion.startsWith(`${FLAGGER_GROUP}/`)) {
      notes.push({ object: objectLabel(document), path: '', reason: 'not a Flagger object: copied unchanged' });
      return { source: 'other', converted: document as Json };
    }
    const context = new Notes(objectLabel(document), notes);
    const result = convertFlaggerObject(document as Json, context);
    if (result) convertedCount += 1;
    return { source: 'flagger', converted: result };
  });
  return { documents: converted, notes, convertedCount };
}

class Notes {
  readonly object: string;
  readonly list: ConversionNote[];

  constructor(object: string, list: ConversionNote[]) {
    this.object = object;
    this.list = list;
  }

  add(path: string, reason: string): void {
    this.list.push({ object: this.object, path, reason });
  }
}

function convertFlaggerObject(object: Json, notes: Notes): Json | undefined {
  const kind = object.kind;
  const spec = asObject(object.spec);
  const metadata = convertMetadata(asObject(object.metadata));
  const header = { apiVersion: CANARY_API_VERSION, kind, metadata };
  if (kind === 'Canary') {
    const converted = isFlaggerGatewayProvider(spec.provider) ? convertGatewayCanarySpec(spec, notes) : convertCanarySpec(spec, notes);
    return converted && { ...header, spec: converted };
  }
  if (kind === 'MetricTemplate') {
    const converted = convertMetricTemplateSpec(spec, notes);
    return converted && { ...header, spec: converted };
  }
  if (kind === 'AlertProvider') {
    const converted = convertAlertProviderSpec(spec, notes);
    return converted && { ...header, spec: converted };
  }
  notes.add('kind', `Flagger ${String(kind)} has no Kanari equivalent: not converted`);
  return undefined;
}

// The server-owned metadata fields describe the old object, not the one to create.
function convertMetadata(metadata: Json): Json {
  return pick(metadata, ['name', 'namespace', 'labels', 'annotations']);
}

const SERVICE_FIELDS = ['name', 'port', 'portName', 'targetPort', 'appProtocol', 'portDiscovery', 'hosts', 'apex', 'primary', 'canary'];
const ISTIO_SERVICE_FIELDS = ['gateways', 'trafficPolicy', 'match', 'rewrite', 'retries', 'headers', 'corsPolicy', 'delegation', 'timeout'];
const ANALYSIS_FIELDS = ['interval', 'threshold', 'maxWeight', 'stepWeight', 'stepWeights', 'stepWeightPromotion', 'iterations', 'primaryReadyThreshold', 'canaryReadyThreshold'];

function convertCanarySpec(spec: Json, notes: Notes): Json | undefined {
  const result: Json = {};
  const targetKind = asObject(spec.targetRef).kind;
  if (targetKind !== undefined && targetKind !== 'Deployment') {
    notes.add('spec.targetRef.kind', `${String(targetKind)} targets are not supported (Deployment only): not converted`);
    return undefined;
  }
  for (const [key, value] of Object.entries(spec)) {
    const path = childPath('spec', key);
    switch (key) {
      case 'provider':
        // An empty provider means Flagger's -mesh-provider flag decides; Kanari's default is smi.
        if (value !== '' && value !== undefined) Object.assign(result, convertProvider(String(value), notes));
        break;
      case 'metricsServer':
      case 'progressDeadlineSeconds':
      case 'skipAnalysis':
      case 'suspend':
      case 'revertOnDeletion':
        result[key] = value;
        break;
      case 'targetRef':
        result.targetRef = pick(asObject(value), ['apiVersion', 'kind', 'name']);
        break;
      case 'autoscalerRef':
        Object.assign(result, convertAutoscalerRef(asObject(value), notes));
        break;
      case 'service':
        result.service = convertService(asObject(value), notes);
        break;
      case 'analysis':
      case 'canaryAnalysis':
        if (key === 'canaryAnalysis') {
          if (spec.analysis !== undefined) {
            notes.add(path, 'ignored: spec.analysis is set and takes precedence');
            break;
          }
          notes.add(path, 'renamed to spec.analysis (canaryAnalysis is Flagger\'s deprecated name)');
        }
        result.analysis = convertAnalysis(asObject(value), notes);
        break;
      case 'ingressRef':
      case 'routeRef':
      case 'upstreamRef':
        notes.add(path, 'ingress and gateway references do not apply to SMI TrafficSplit routing');
        break;
      default:
        notes.add(path, 'not supported by Kanari');
    }
  }
  return result;
}

// A gatewayapi Canary keeps its router: its Gateway API fields are carried over (flagger-convert-gateway.ts).
function convertGatewayCanarySpec(spec: Json, notes: Notes): Json | undefined {
  const split = splitGatewayFields(spec, (path, reason) => notes.add(path, reason));
  const converted = convertCanarySpec(split.rest, notes);
  return converted && joinGatewayFields(converted, split);
}

function convertProvider(provider: string, notes: Notes): Json {
  if (provider === 'smi' || SMI_VERSIONS.some((v) => provider === `smi:${v}`)) return { provider };
  if ((SMI_MESH_ALIASES as readonly string[]).includes(provider)) {
    notes.add('spec.provider', `${provider} → smi with mesh: ${provider} (${provider} routes with SMI TrafficSplit; mesh selects its metric names)`);
    return { provider: 'smi', mesh: provider };
  }
  const mesh = (MESHES as readonly string[]).includes(provider) ? { mesh: provider } : {};
  notes.add(
    'spec.provider',
    `${provider} → smi: Kanari routes with SMI TrafficSplit, so the cluster must serve the TrafficSplit API`,
  );
  return { provider: 'smi', ...mesh };
}

function convertAutoscalerRef(ref: Json, notes: Notes): Json {
  if (ref.kind !== undefined && ref.kind !== 'HorizontalPodAutoscaler') {
    notes.add('spec.autoscalerRef', `${String(ref.kind)} is not supported (HorizontalPodAutoscaler only): dropped`);
    return {};
  }
  if (ref.primaryScalerQueries !== undefined) notes.add('spec.autoscalerRef.primaryScalerQueries', 'KEDA ScaledObject queries are not supported');
  const result = pick(ref, ['apiVersion', 'kind', 'name']);
  if (ref.primaryScalerReplicas !== undefined) result.primaryScalerReplicas = pick(asObject(ref.primaryScalerReplicas), ['minReplicas', 'maxReplicas']);
  return { autoscalerRef: result };
}

function convertService(service: Json, notes: Notes): Json {
  for (const key of Object.keys(service)) {
    if (SERVICE_FIELDS.includes(key)) continue;
    const path = childPath('spec.service', key);
    if (ISTIO_SERVICE_FIELDS.includes(key)) notes.add(path, 'Istio-only: not used with SMI TrafficSplit');
    else if (key === 'gatewayRefs' || key === 'backendTimeout') notes.add(path, 'Gateway API only: Kanari routes with SMI TrafficSplit');
    else if (key === 'meshName' || key === 'backends') notes.add(path, 'App Mesh only: not used with SMI TrafficSplit');
    else notes.add(path, 'not supported by Kanari');
  }
  return pick(service, SERVICE_FIELDS);
}

function convertAnalysis(analysis: Json, notes: Notes): Json {
  const result = pick(analysis, ANALYSIS_FIELDS);
  for (const [key, value] of Object.entries(analysis)) {
    const path = childPath('spec.analysis', key);
    if (ANALYSIS_FIELDS.includes(key)) continue;
    if (key === 'metrics') result.metrics = convertList(value, path, notes, convertMetric);
    else if (key === 'webhooks') result.webhooks = convertList(value, path, notes, convertWebhook);
    else if (key === 'alerts') result.alerts = convertList(value, path, notes, convertAlert);
    else if (key === 'match') result.match = convertList(value, path, notes, convertMatch);
    else if (key === 'mirror' || key === 'mirrorWeight') {
      if (value) notes.add(path, 'traffic mirroring is not expressible with SMI TrafficSplit');
    } else if (key === 'sessionAffinity') notes.add(path, 'session affinity cookies need an ingress or Gateway API router, not SMI TrafficSplit');
    else notes.add(path, 'not supported by Kanari');
  }
  return result;
}

function convertList(value: unknown, path: string, notes: Notes, convert: (item: Json, path: string, notes: Notes) => Json | undefined): Json[] {
  const items = Array.isArray(value) ? value : [];
  return items.flatMap((item, i) => {
    const converted = convert(asObject(item), childPath(path, i), notes);
    return converted ? [converted] : [];
  });
}

function convertMetric(metric: Json, path: string, notes: Notes): Json | undefined {
  if (metric.query !== undefined) {
    notes.add(childPath(path, 'query'), `inline queries are not supported: metric ${JSON.stringify(metric.name)} dropped; move the query to a MetricTemplate and set templateRef`);
    return undefined;
  }
  for (const key of Object.keys(metric)) {
    if (!['name', 'interval', 'threshold', 'thresholdRange', 'templateRef', 'templateVariables'].includes(key)) notes.add(childPath(path, key), 'not supported by Kanari');
  }
  const result = pick(metric, ['name', 'interval', 'threshold', 'thresholdRange', 'templateRef', 'templateVariables']);
  if (result.templateRef) result.templateRef = pick(asObject(result.templateRef), ['name', 'namespace']);
  return result;
}

function convertWebhook(hook: Json, path: string, notes: Notes): Json | undefined {
  const type = hook.type;
  if (type !== undefined && type !== '' && !(WEBHOOK_TYPES as readonly unknown[]).includes(type)) {
    notes.add(childPath(path, 'type'), `${String(type)} webhooks are not supported: webhook ${JSON.stringify(hook.name)} dropped`);
    return undefined;
  }
  for (const key of Object.keys(hook)) {
    if (!['name', 'type', 'url', 'timeout', 'retries', 'metadata', 'muteAlert', 'disableTLS'].includes(key)) notes.add(childPath(path, key), 'not supported by Kanari');
  }
  const result = pick(hook, ['name', 'type', 'url', 'timeout', 'retries', 'metadata', 'muteAlert', 'disableTLS']);
  // Flagger reads an empty type as rollout; Kanari's default is the same, so the field is simply left out.
  if (result.type === '') delete result.type;
  return result;
}

function convertAlert(alert: Json, path: string, notes: Notes): Json | undefined {
  for (const key of Object.keys(alert)) if (!['name', 'severity', 'providerRef'].includes(key)) notes.add(childPath(path, key), 'not supported by Kanari');
  const result = pick(alert, ['name', 'severity', 'providerRef']);
  if (result.severity === '') delete result.severity;
  if (result.providerRef) result.providerRef = pick(asObject(result.providerRef), ['name', 'namespace']);
  return result;
}

function convertMatch(match: Json, path: string, notes: Notes): Json | undefined {
  for (const key of Object.keys(match)) {
    if (!['headers', 'uri', 'method'].includes(key)) notes.add(childPath(path, key), 'SMI HTTPRouteGroups match headers, path and method only');
  }
  const result = pick(match, ['headers', 'uri', 'method']);
  return Object.keys(result).length > 0 ? result : undefined;
}

function convertMetricTemplateSpec(spec: Json, notes: Notes): Json | undefined {
  const provider = asObject(spec.provider);
  if (!(METRIC_PROVIDER_TYPES as readonly unknown[]).includes(provider.type)) {
    notes.add('spec.provider.type', `${String(provider.type)} is not supported (${METRIC_PROVIDER_TYPES.join(' or ')}): not converted`);
    return undefined;
  }
  const kept = ['type', 'address', 'secretRef', 'insecureSkipVerify', 'headers'];
  for (const key of Object.keys(provider)) if (!kept.includes(key)) notes.add(childPath('spec.provider', key), 'not supported by Kanari');
  return { provider: pick(provider, kept), query: spec.query };
}

function convertAlertProviderSpec(spec: Json, notes: Notes): Json | undefined {
  const type = spec.type === 'gchat' ? 'googlechat' : spec.type;
  if (spec.type === 'gchat') notes.add('spec.type', 'gchat → googlechat');
  if (!(ALERT_PROVIDER_TYPES as readonly unknown[]).includes(type)) {
    notes.add('spec.type', `${String(spec.type)} is not supported (${ALERT_PROVIDER_TYPES.join(', ')}): not converted`);
    return undefined;
  }
  const kept = ['address', 'secretRef', 'channel', 'username', 'proxy'];
  for (const key of Object.keys(spec)) if (key !== 'type' && !kept.includes(key)) notes.add(childPath('spec', key), 'not supported by Kanari');
  return { type, ...pick(spec, kept) };
}

function pick(source: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));
}

function asObject(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
