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

/**
 * Where the revision finds the content checksums of the ConfigMaps and Secrets a template references
 * (undefined: the config does not exist). Checksums, not objects: an informer cache keeps a config's
 * checksum and never its content.
 */
export interface ConfigSource {
  configMapChecksum(name: string): string | undefined;
  secretChecksum(name: string): string | undefined;
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
    const checksum = configs.configMapChecksum(name);
    if (checksum !== undefined) trackedConfigs[`configmap/${name}`] = checksum;
  }
  for (const name of refs.secrets) {
    const checksum = configs.secretChecksum(name);
    if (checksum !== undefined) trackedConfigs[`secret/${name}`] = checksum;
  }
  return { hash: stableHash({ template: normalizePodTemplate(template), configs: trackedConfigs }), trackedConfigs };
}

/** A ConfigSource over plain lists, for callers that already fetched the objects. */
export function configSourceFrom(configMaps: readonly V1ConfigMap[], secrets: readonly V1Secret[]): ConfigSource {
  const cms = new Map(configMaps.map((c) => [c.metadata?.name ?? '', configMapChecksum(c)]));
  const ss = new Map(secrets.map((s) => [s.metadata?.name ?? '', secretChecksum(s)]));
  return { configMapChecksum: (name) => cms.get(name), secretChecksum: (name) => ss.get(name) };
}
