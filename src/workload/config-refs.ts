import type { V1Container, V1PodSpec } from '@kubernetes/client-node';

/** The ConfigMaps and Secrets a pod spec reads, by name. */
export interface ConfigRefs {
  configMaps: string[];
  secrets: string[];
}

/** Renames applied to a pod spec's references (undefined = keep the name). */
export interface ConfigRenames {
  configMap: (name: string) => string | undefined;
  secret: (name: string) => string | undefined;
}

/**
 * Every ConfigMap and Secret a pod spec references through volumes, projected volumes, env
 * `valueFrom` and `envFrom`, sorted and without duplicates. Image pull secrets are not configuration.
 */
export function referencedConfigs(spec: V1PodSpec | undefined): ConfigRefs {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  visitConfigRefs(spec, {
    configMap: (name) => {
      configMaps.add(name);
      return undefined;
    },
    secret: (name) => {
      secrets.add(name);
      return undefined;
    },
  });
  return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort() };
}

/** A deep copy of the pod spec with its ConfigMap and Secret references renamed. */
export function renameConfigRefs(spec: V1PodSpec, renames: ConfigRenames): V1PodSpec {
  const copy = structuredClone(spec);
  visitConfigRefs(copy, renames);
  return copy;
}

// One walk serves both reading and rewriting, so the two can never disagree on what counts as a reference.
function visitConfigRefs(spec: V1PodSpec | undefined, renames: ConfigRenames): void {
  if (!spec) return;
  for (const volume of spec.volumes ?? []) {
    if (volume.configMap?.name) volume.configMap.name = renames.configMap(volume.configMap.name) ?? volume.configMap.name;
    if (volume.secret?.secretName) volume.secret.secretName = renames.secret(volume.secret.secretName) ?? volume.secret.secretName;
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) source.configMap.name = renames.configMap(source.configMap.name) ?? source.configMap.name;
      if (source.secret?.name) source.secret.name = renames.secret(source.secret.name) ?? source.secret.name;
    }
  }
  const containers: V1Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  for (const container of containers) {
    for (const env of container.env ?? []) {
      const cm = env.valueFrom?.configMapKeyRef;
      if (cm?.name) cm.name = renames.configMap(cm.name) ?? cm.name;
      const secret = env.valueFrom?.secretKeyRef;
      if (secret?.name) secret.name = renames.secret(secret.name) ?? secret.name;
    }
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef?.name) source.configMapRef.name = renames.configMap(source.configMapRef.name) ?? source.configMapRef.name;
      if (source.secretRef?.name) source.secretRef.name = renames.secret(source.secretRef.name) ?? source.secretRef.name;
    }
  }
}
