import type { V1PodTemplateSpec } from '@kubernetes/client-node';

type Json = Record<string, unknown>;

/**
 * The pod template with every field Kubernetes would default filled in and empty values removed, so a
 * template hashes the same whether it was read back from the API server or written by hand. Without it
 * a `kubectl apply` of the same YAML, or a server that defaults differently, would look like a release.
 */
export function normalizePodTemplate(template: V1PodTemplateSpec): Json {
  const copy = structuredClone(template) as unknown as Json;
  const metadata = asObject(copy.metadata);
  if (metadata) {
    delete metadata.creationTimestamp;
    // `kubectl rollout restart` stamps this annotation; it is a change the user wants rolled out, so it stays.
  }
  const spec = asObject(copy.spec);
  if (spec) defaultPodSpec(spec);
  return pruneEmpty(copy) as Json;
}

const PROBE_DEFAULTS = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };

function defaultPodSpec(spec: Json): void {
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'schedulerName', 'default-scheduler');
  for (const list of ['containers', 'initContainers']) {
    for (const c of asArray(spec[list])) {
      const container = asObject(c);
      if (!container) continue;
      const image = typeof container.image === 'string' ? container.image : '';
      const tag = image.includes('@') ? 'digest' : (/:([^/:]+)$/.exec(image)?.[1] ?? 'latest');
      setDefault(container, 'imagePullPolicy', tag === 'latest' ? 'Always' : 'IfNotPresent');
      setDefault(container, 'terminationMessagePath', '/dev/termination-log');
      setDefault(container, 'terminationMessagePolicy', 'File');
      for (const p of asArray(container.ports)) {
        const port = asObject(p);
        if (port) setDefault(port, 'protocol', 'TCP');
      }
      for (const probeName of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
        const probe = asObject(container[probeName]);
        if (probe) for (const [key, value] of Object.entries(PROBE_DEFAULTS)) setDefault(probe, key, value);
      }
      for (const e of asArray(container.env)) {
        const fieldRef = asObject(asObject(asObject(e)?.valueFrom)?.fieldRef);
        if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1');
      }
    }
  }
  for (const v of asArray(spec.volumes)) {
    const volume = asObject(v);
    if (!volume) continue;
    for (const kind of ['configMap', 'secret', 'projected', 'downwardAPI']) {
      const source = asObject(volume[kind]);
      if (source) setDefault(source, 'defaultMode', 420);
    }
  }
}

function setDefault(obj: Json, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// null, {} and [] mean "unset" to the API server; treating them alike keeps the hash stable across writers.
function pruneEmpty(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneEmpty);
  const obj = asObject(value);
  if (!obj) return value;
  const out: Json = {};
  for (const [key, v] of Object.entries(obj)) {
    const pruned = pruneEmpty(v);
    if (pruned === null || pruned === undefined) continue;
    if (Array.isArray(pruned) && pruned.length === 0) continue;
    if (asObject(pruned) && Object.keys(pruned as Json).length === 0) continue;
    out[key] = pruned;
  }
  return out;
}
