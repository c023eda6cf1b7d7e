import { BUILTIN_METRICS } from './canary.ts';
import { HTTPROUTE_VERSIONS } from './router-provider.ts';
import { childPath } from './validation-error.ts';

/**
 * Flagger's `provider: gatewayapi` Canaries (its current Linkerd tutorial, Istio, Cilium, Envoy Gateway,
 * Contour…), carried over to Kanari's Gateway API router without loss: the provider as written, the
 * service's gatewayRefs, hosts, timeout, headers and rewrite, the analysis's mirror, mirrorWeight,
 * sessionAffinity and matches with query parameters. The rest of the Canary goes through the generic
 * conversion; fields even the Gateway API router cannot use are named with a note.
 */

type Json = { [key: string]: unknown };
type Note = (path: string, reason: string) => void;

const SERVICE_FIELDS = ['gatewayRefs', 'timeout', 'backendTimeout', 'headers', 'rewrite', 'match', 'mirror'];
const ANALYSIS_FIELDS = ['mirror', 'mirrorWeight', 'sessionAffinity'];
const MATCH_FIELDS = ['headers', 'uri', 'method', 'queryParams'];

/** Whether `provider` is one of Flagger's Gateway API providers (`gatewayapi`, `gatewayapi:<version>`). */
export function isFlaggerGatewayProvider(provider: unknown): boolean {
  return typeof provider === 'string' && (provider === 'gatewayapi' || provider.startsWith('gatewayapi:'));
}

/** The spec without the Gateway API fields, for the generic conversion, and those fields converted. */
export interface GatewaySplit {
  rest: Json;
  provider: string;
  service: Json;
  analysis: Json;
  match?: Json[];
}

const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const pick = (source: Json, keys: readonly string[]): Json => Object.fromEntries(keys.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]));

function without(source: Json, keys: readonly string[]): Json {
  return Object.fromEntries(Object.entries(source).filter(([key]) => !keys.includes(key)));
}

function provider(value: string, note: Note): string {
  const version = value.split(':')[1];
  if (version === undefined || (HTTPROUTE_VERSIONS as readonly string[]).includes(version)) return value;
  note('spec.provider', `${value} → gatewayapi: Kanari writes HTTPRoute ${HTTPROUTE_VERSIONS.join(' or ')} (v1 where served)`);
  return 'gatewayapi';
}

function gatewayRefs(value: unknown, note: Note): Json[] {
  return (Array.isArray(value) ? value : []).map((ref, i) => {
    const object = asObject(ref);
    const kept = pick(object, ['name', 'namespace', 'group', 'kind', 'sectionName', 'port']);
    for (const key of Object.keys(object)) if (!(key in kept)) note(childPath(childPath('spec.service.gatewayRefs', i), key), 'not supported by Kanari');
    return kept;
  });
}

function service(source: Json, note: Note): Json {
  const out: Json = {};
  if (source.gatewayRefs !== undefined) out.gatewayRefs = gatewayRefs(source.gatewayRefs, note);
  if (source.timeout !== undefined) out.timeout = source.timeout;
  if (source.backendTimeout !== undefined) out.backendTimeout = source.backendTimeout;
  if (source.match !== undefined) note('spec.service.match', "not supported by Kanari's Gateway API router: the route takes every path; narrow it with the Gateway's listeners and hostnames");
  if (source.mirror !== undefined) note('spec.service.mirror', "standing mirrors are not supported by Kanari's Gateway API router: analysis.mirror mirrors to the canary during a run");
  if (source.headers !== undefined) {
    const headers = asObject(source.headers);
    out.headers = Object.fromEntries(['request', 'response'].filter((side) => headers[side] !== undefined).map((side) => [side, pick(asObject(headers[side]), ['add', 'set', 'remove'])]));
  }
  if (source.rewrite !== undefined) {
    const rewrite = asObject(source.rewrite);
    out.rewrite = pick(rewrite, ['uri', 'authority', 'type']);
    for (const key of Object.keys(rewrite)) if (!['uri', 'authority', 'type'].includes(key)) note(childPath('spec.service.rewrite', key), 'not supported by Kanari');
  }
  return out;
}

function analysis(source: Json, note: Note): Json {
  const out = pick(source, ['mirror', 'mirrorWeight']);
  // Flagger writes mirror: false and mirrorWeight: 0 for "off"; Kanari leaves them out.
  if (out.mirror === false) delete out.mirror;
  if (out.mirrorWeight === 0) delete out.mirrorWeight;
  if (source.sessionAffinity !== undefined) {
    const affinity = asObject(source.sessionAffinity);
    out.sessionAffinity = pick(affinity, ['cookieName', 'maxAge', 'primaryCookieName']);
    for (const key of Object.keys(affinity)) if (!['cookieName', 'maxAge', 'primaryCookieName'].includes(key)) note(childPath('spec.analysis.sessionAffinity', key), 'not supported by Kanari');
  }
  return out;
}

function matches(value: unknown, note: Note): Json[] {
  return (Array.isArray(value) ? value : []).flatMap((entry, i) => {
    const match = asObject(entry);
    for (const key of Object.keys(match)) {
      if (!MATCH_FIELDS.includes(key)) note(childPath(childPath('spec.analysis.match', i), key), 'HTTPRoute matches headers, query parameters, path and method only');
    }
    const kept = pick(match, MATCH_FIELDS);
    return Object.keys(kept).length > 0 ? [kept] : [];
  });
}

/**
 * Takes the Gateway API fields out of a Flagger gatewayapi Canary's spec and converts them; the rest is
 * left for the generic conversion, which then has nothing of them to drop.
 */
export function splitGatewayFields(spec: Json, note: Note): GatewaySplit {
  const sourceService = asObject(spec.service);
  const sourceAnalysis = asObject(spec.analysis ?? spec.canaryAnalysis);
  const analysisKey = spec.analysis !== undefined ? 'analysis' : 'canaryAnalysis';
  const rest: Json = without(spec, ['provider']);
  rest.service = without(sourceService, SERVICE_FIELDS);
  // Flagger's newer backendRef templates on the primary and canary Services: Kanari writes those refs itself.
  for (const role of ['primary', 'canary']) {
    const overrides = asObject(sourceService[role]);
    if (overrides.backendRef === undefined) continue;
    note(childPath(childPath('spec.service', role), 'backendRef'), 'not supported by Kanari: the router writes the backendRefs of the -primary and -canary Services itself');
    (rest.service as Json)[role] = without(overrides, ['backendRef']);
  }
  rest[analysisKey] = without(sourceAnalysis, [...ANALYSIS_FIELDS, 'match']);
  const split: GatewaySplit = { rest, provider: provider(String(spec.provider), note), service: service(sourceService, note), analysis: analysis(sourceAnalysis, note) };
  if (sourceAnalysis.match !== undefined) split.match = matches(sourceAnalysis.match, note);
  const builtins = (Array.isArray(sourceAnalysis.metrics) ? sourceAnalysis.metrics : []).filter((m) => (BUILTIN_METRICS as readonly unknown[]).includes(asObject(m).name) && asObject(m).templateRef === undefined);
  if (builtins.length > 0) {
    note(
      'spec.analysis.metrics',
      "Flagger's gatewayapi built-ins read Envoy series; Kanari's read the TrafficMetrics API or the mesh's Prometheus series (spec.mesh: linkerd, istio): for an Envoy-based gateway use a MetricTemplate (docs/metrics.md)",
    );
  }
  return split;
}

/** The converted spec with the Gateway API fields put back. */
export function joinGatewayFields(converted: Json, split: GatewaySplit): Json {
  const out: Json = { provider: split.provider, ...converted };
  out.service = { ...asObject(converted.service), ...split.service };
  const analysis: Json = { ...asObject(converted.analysis), ...split.analysis };
  if (split.match !== undefined) analysis.match = split.match;
  out.analysis = analysis;
  return out;
}
