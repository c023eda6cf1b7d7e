import { BUILTIN_METRICS, MESHES } from './canary.ts';
import { Duration } from './duration.ts';
import { flaggerValue, lookupFlaggerField } from './flagger-fields.ts';
import {
  FLAGGER_FOREIGN_PROVIDERS,
  FLAGGER_KUBERNETES_ITERATIONS,
  FLAGGER_MIN_INTERVAL,
  FLAGGER_SMI_PROVIDERS,
} from './flagger-field-values.ts';
import { dropGatewayOnlyFields, inferGatewayProvider, isFlaggerGatewayProvider } from './flagger-convert-gateway.ts';
import { parseRouterProvider } from './router-provider.ts';
import { childPath } from './validation-error.ts';

/**
 * A Flagger Canary's spec → a Kanari Canary's spec, driven by the field table (flagger-field-table.ts):
 * fields Kanari reads as Flagger does are copied, the others are dropped or refused with the table's
 * text, then the values whose meaning depends on other fields (the provider, a severity…) are handled
 * with the value table's text. Every change of meaning leaves a note.
 */

type Json = { [key: string]: unknown };
type Segment = string | number;

/** Where notes go; `refuse` also marks the object as not convertible. */
interface CanaryNotes {
  add(path: string, reason: string): void;
  refuse(path: string, reason: string): void;
}

/** The converted spec, or undefined when a refused field means the Canary cannot be carried over. */
export function convertCanarySpec(spec: Json, notes: Pick<CanaryNotes, 'add'>): Json | undefined {
  let refused = false;
  const context: CanaryNotes = {
    add: (path, reason) => notes.add(path, reason),
    refuse: (path, reason) => {
      refused = true;
      notes.add(path, reason);
    },
  };
  const source = withAnalysisRenamed(spec, context);
  const result = copyKnownFields(source, ['spec'], context) as Json;
  applyValueRules(source, result, context);
  return refused ? undefined : result;
}

// Flagger reads `canaryAnalysis` when `analysis` is absent (Canary.GetAnalysis).
function withAnalysisRenamed(spec: Json, notes: CanaryNotes): Json {
  if (spec.canaryAnalysis === undefined) return spec;
  const { canaryAnalysis, ...rest } = spec;
  if (spec.analysis !== undefined) {
    notes.add('spec.canaryAnalysis', 'dropped: spec.analysis is set, and Flagger reads it instead');
    return rest;
  }
  notes.add('spec.canaryAnalysis', 'renamed to spec.analysis (canaryAnalysis is Flagger\'s deprecated name)');
  return { ...rest, analysis: canaryAnalysis };
}

function copyKnownFields(value: unknown, segments: Segment[], notes: CanaryNotes): unknown {
  if (Array.isArray(value)) return value.map((item, i) => copyKnownFields(item, [...segments, i], notes));
  if (!isObject(value)) return value;
  const result: Json = {};
  for (const [key, child] of Object.entries(value)) {
    const childSegments = [...segments, key];
    const path = pathOf(childSegments);
    const { row, hasChildren } = lookupFlaggerField(childSegments);
    if (!row && !hasChildren) {
      if (isSet(child)) notes.add(path, 'dropped: not a field of Flagger\'s Canary (its API server would have pruned it)');
      continue;
    }
    if (row?.outcome === 'dropped') {
      if (isSet(child)) notes.add(path, `dropped: ${row.text}`);
      continue;
    }
    if (row?.outcome === 'refused') {
      if (isSet(child)) notes.refuse(path, `${row.text}; not converted`);
      continue;
    }
    result[key] = hasChildren ? copyKnownFields(child, childSegments, notes) : child;
  }
  return result;
}

function applyValueRules(source: Json, result: Json, notes: CanaryNotes): void {
  const provider = inferGatewayProvider(source, result, notes) ?? (typeof source.provider === 'string' ? source.provider : '');
  convertProvider(provider, result, notes);
  convertTarget(result, notes);
  const service = asObject(result.service);
  if (service.hosts !== undefined && !(FLAGGER_SMI_PROVIDERS as readonly string[]).includes(provider) && !isFlaggerGatewayProvider(provider)) {
    delete service.hosts;
    notes.add('spec.service.hosts', `dropped: ${flaggerValue('spec.service.hosts', 'hosts with a provider other than smi, linkerd, osm, gatewayapi').text}`);
  }
  dropGatewayOnlyFields(provider, result, notes);
  const analysis = asObject(result.analysis);
  convertAnalysisValues(analysis, notes);
  if (provider === 'kubernetes') convertForKubernetesProvider(analysis, notes);
  noteBuiltinMetricSources(provider, analysis, notes);
}

function convertProvider(provider: string, result: Json, notes: CanaryNotes): void {
  if (provider === '') {
    delete result.provider;
    notes.add('spec.provider', flaggerValue('spec.provider', '(unset)').text);
    return;
  }
  const foreign = (FLAGGER_FOREIGN_PROVIDERS as readonly string[]).includes(provider);
  // A router Kanari does not know by name (gloo-mesh…) is as foreign as the listed ones; smi:<x> says itself.
  const unknown = !foreign && !provider.startsWith('smi') && parseRouterProvider(provider).kind === 'unsupported';
  if (!foreign && !unknown) return;
  result.provider = 'smi';
  // Istio's Prometheus metric names are ones Kanari's built-in queries know.
  if ((MESHES as readonly string[]).includes(provider)) result.mesh = provider;
  notes.add('spec.provider', `${provider} → smi: ${flaggerValue('spec.provider', foreign ? provider : '(another router)').text}`);
}

function convertTarget(result: Json, notes: CanaryNotes): void {
  const kind = asObject(result.targetRef).kind;
  if (kind === 'Service') notes.refuse('spec.targetRef.kind', `${flaggerValue('spec.targetRef.kind', 'Service').text}; not converted`);
  const scaler = asObject(result.autoscalerRef).kind;
  if (scaler === 'ScaledObject') notes.refuse('spec.autoscalerRef.kind', `${flaggerValue('spec.autoscalerRef.kind', 'ScaledObject').text}; not converted`);
  else if (scaler !== undefined && scaler !== 'HorizontalPodAutoscaler') {
    notes.refuse('spec.autoscalerRef.kind', `${String(scaler)}: ${flaggerValue('spec.autoscalerRef.kind', '(another kind)').text}; not converted`);
  }
}

function convertAnalysisValues(analysis: Json, notes: CanaryNotes): void {
  const interval = typeof analysis.interval === 'string' ? Duration.tryParse(analysis.interval) : undefined;
  if (interval && interval.milliseconds < Duration.parse(FLAGGER_MIN_INTERVAL).milliseconds) {
    notes.add('spec.analysis.interval', `${String(analysis.interval)} → ${FLAGGER_MIN_INTERVAL}: ${flaggerValue('spec.analysis.interval', `below ${FLAGGER_MIN_INTERVAL}`).text}`);
    analysis.interval = FLAGGER_MIN_INTERVAL;
  }
  if (typeof analysis.threshold === 'number' && analysis.threshold < 0) {
    notes.add('spec.analysis.threshold', `${analysis.threshold} → 1: ${flaggerValue('spec.analysis.threshold', 'below 0').text}`);
    analysis.threshold = 1;
  }
  if (Array.isArray(analysis.alerts)) {
    const silent = flaggerValue('spec.analysis.alerts[].severity', '""').text;
    analysis.alerts = analysis.alerts.filter((alert, i) => {
      if (asObject(alert).severity !== '') return true;
      notes.add(childPath(childPath('spec.analysis.alerts', i), 'severity'), `alert ${JSON.stringify(asObject(alert).name)} dropped: ${silent}`);
      return false;
    });
  }
}

function convertForKubernetesProvider(analysis: Json, notes: CanaryNotes): void {
  if (analysis.iterations === undefined && (analysis.stepWeight !== undefined || analysis.stepWeights !== undefined)) {
    const field = analysis.stepWeight !== undefined ? 'spec.analysis.stepWeight' : 'spec.analysis.stepWeights';
    delete analysis.stepWeight;
    delete analysis.stepWeights;
    analysis.iterations = FLAGGER_KUBERNETES_ITERATIONS;
    notes.add(field, `→ iterations: ${FLAGGER_KUBERNETES_ITERATIONS}: ${flaggerValue('spec.analysis.stepWeight', 'stepWeight or stepWeights with provider: kubernetes').text}`);
  }
  if (Array.isArray(analysis.match) && analysis.match.length > 0) {
    delete analysis.match;
    notes.add('spec.analysis.match', `dropped: ${flaggerValue('spec.analysis.match', 'match with provider: kubernetes').text}`);
  }
}

// The built-ins' numbers came from the router's own metrics in Flagger; only some routers share Kanari's.
function noteBuiltinMetricSources(provider: string, analysis: Json, notes: CanaryNotes): void {
  const sameSource = ['', 'istio', ...FLAGGER_SMI_PROVIDERS].includes(provider);
  if (sameSource || !Array.isArray(analysis.metrics)) return;
  const text = flaggerValue('spec.analysis.metrics[].name', 'request-success-rate or request-duration with a provider other than smi, linkerd, osm, istio').text;
  analysis.metrics.forEach((metric, i) => {
    const m = asObject(metric);
    const builtin = (BUILTIN_METRICS as readonly unknown[]).includes(m.name) && m.templateRef === undefined && m.query === undefined;
    if (builtin) notes.add(childPath(childPath('spec.analysis.metrics', i), 'name'), `${String(m.name)} with provider ${provider}: ${text}`);
  });
}

function pathOf(segments: Segment[]): string {
  return segments.reduce<string>((path, segment) => childPath(path, segment), '');
}

/** False, empty and null values say nothing, so leaving them out changes nothing and needs no note. */
function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return true;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asObject(value: unknown): Json {
  return isObject(value) ? value : {};
}
