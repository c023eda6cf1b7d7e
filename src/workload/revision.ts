import type { V1ConfigMap, V1PodTemplateSpec, V1Secret } from '@kubernetes/client-node';
import { referencedConfigs } from './config-refs.ts';
import { normalizePodTemplate } from './pod-template-defaults.ts';
import { stableHash } from '../text/stable-json.ts';

/** What identifies a release of a target: its pod template and the configuration it reads. */
export interface Revision {
  /** Hash of the normalised pod template plus the tracked config checksums (status.lastAppliedSpec). */
  hash: string;
  /** Flagger's format: `configmap/<name>` or `secret/<name>` → checksum of its data. */
  trackedConfigs: Record<string, string>;
}

/** Where the revision finds the ConfigMaps and Secrets a template references (an informer cache, a map). */
export interface ConfigSource {
  configMap(name: string): V1ConfigMap | undefined;
  secret(name: string): V1Secret | undefined;
}

/** Checksum of a ConfigMap's content; metadata and resourceVersion do not count. */
export function configMapChecksum(configMap: V1ConfigMap): string {
  return stableHash({ data: configMap.data ?? {}, binaryData: configMap.binaryData ?? {} });
}

/** Checksum of a Secret's content and type. */
export function secretChecksum(secret: V1Secret): string {
  return stableHash({ type: secret.type ?? 'Opaque', data: secret.data ?? {} });
}

/**
 * The revision of a pod template. A referenced config that does not exist is left out of
 * trackedConfigs (an optional reference, or one the target will fail on anyway); creating it later
 * changes the hash, which is what should start a run.
 */
export function computeRevision(template: V1PodTemplateSpec, configs: ConfigSource): Revision {
  const refs = referencedConfigs(template.spec);
  const trackedConfigs: Record<string, string> = {};
  for (const name of refs.configMaps) {
    const configMap = configs.configMap(name);
    if (configMap) trackedConfigs[`configmap/${name}`] = configMapChecksum(configMap);
  }
  for (const name of refs.secrets) {
    const secret = configs.secret(name);
    if (secret) trackedConfigs[`secret/${name}`] = secretChecksum(secret);
  }
  return { hash: stableHash({ template: normalizePodTemplate(template), configs: trackedConfigs }), trackedConfigs };
}

/** A ConfigSource over plain lists, for callers that already fetched the objects. */
export function configSourceFrom(configMaps: readonly V1ConfigMap[], secrets: readonly V1Secret[]): ConfigSource {
  const cms = new Map(configMaps.map((c) => [c.metadata?.name ?? '', c]));
  const ss = new Map(secrets.map((s) => [s.metadata?.name ?? '', s]));
  return { configMap: (name) => cms.get(name), secret: (name) => ss.get(name) };
}
