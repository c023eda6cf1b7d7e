import type { CoreV1Api, V1ConfigMap, V1PodSpec, V1Secret } from '@kubernetes/client-node';
import { deleteIgnoringMissing } from '../kube/create-or-patch.ts';
import type { OwnerIdentity } from '../kube/owner.ts';
import type { ClusterReader } from './cluster-reader.ts';
import { referencedConfigs } from './config-refs.ts';
import { isConfigTracked } from './config-tracking.ts';
import { applyPrimaryConfigMap, applyPrimarySecret } from './configs.ts';

/** The ConfigMaps and Secrets a target's release includes (and its primary gets copies of). */
export interface TrackedConfigObjects {
  configMaps: V1ConfigMap[];
  secrets: V1Secret[];
}

/**
 * The configs a pod spec references that exist and are tracked. Configs that opted out of tracking are
 * neither part of the revision nor copied: the primary reads them as they are.
 */
export async function trackedConfigObjects(reader: ClusterReader, namespace: string, podSpec: V1PodSpec | undefined): Promise<TrackedConfigObjects> {
  const refs = referencedConfigs(podSpec);
  const configMaps = await Promise.all(refs.configMaps.map((name) => reader.configMap(namespace, name)));
  const secrets = await Promise.all(refs.secrets.map((name) => reader.secret(namespace, name)));
  return {
    configMaps: configMaps.filter((c): c is V1ConfigMap => c !== undefined && isConfigTracked(c.metadata)),
    secrets: secrets.filter((s): s is V1Secret => s !== undefined && isConfigTracked(s.metadata)),
  };
}

/** Copies the tracked configs as `<name>-primary`; returns the names copied, for the primary's references. */
export async function copyConfigsForPrimary(
  core: CoreV1Api,
  configs: TrackedConfigObjects,
  owner: OwnerIdentity,
  labelPrefixes: readonly string[],
): Promise<{ copiedConfigMaps: Set<string>; copiedSecrets: Set<string> }> {
  for (const configMap of configs.configMaps) await applyPrimaryConfigMap(core, configMap, owner, labelPrefixes);
  for (const secret of configs.secrets) await applyPrimarySecret(core, secret, owner, labelPrefixes);
  return {
    copiedConfigMaps: new Set(configs.configMaps.map((c) => c.metadata!.name!)),
    copiedSecrets: new Set(configs.secrets.map((s) => s.metadata!.name!)),
  };
}

/** revertOnDeletion: deletes the `-primary` copies the primary's pod spec reads. */
export async function deletePrimaryConfigCopies(core: CoreV1Api, namespace: string, primaryPodSpec: V1PodSpec | undefined): Promise<void> {
  const refs = referencedConfigs(primaryPodSpec);
  const isCopy = (name: string) => name.endsWith('-primary');
  for (const name of refs.configMaps.filter(isCopy)) await deleteIgnoringMissing(() => core.deleteNamespacedConfigMap({ name, namespace }));
  for (const name of refs.secrets.filter(isCopy)) await deleteIgnoringMissing(() => core.deleteNamespacedSecret({ name, namespace }));
}
