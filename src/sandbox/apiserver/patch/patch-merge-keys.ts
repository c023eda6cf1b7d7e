// The patch metadata of the built-in kinds Kanari touches, transcribed from the Go struct tags of
// k8s.io/api (`patchStrategy`, `patchMergeKey`). Strategic merge needs it to know which lists merge by key;
// a field missing here behaves as an untagged Go field: maps merge, lists are replaced.

/** How strategic merge treats one field. */
export interface FieldPatchMeta {
  /** Type name (in `structTypes`) of the field's value, or of each item when the field is a list. */
  type?: string;
  /** `patchMergeKey`: the item field that identifies list entries. */
  mergeKey?: string;
  /** `patchStrategy:"merge"` on a list: merge by key (or as a set for scalars) instead of replacing. */
  merge?: boolean;
  /** `patchStrategy:"retainKeys"`: honour `$retainKeys` in the patch for this map. */
  retainKeys?: boolean;
}

export type StructPatchMeta = Record<string, FieldPatchMeta>;

const mergeBy = (mergeKey: string, type?: string, retainKeys = false): FieldPatchMeta => ({
  mergeKey,
  merge: true,
  type,
  retainKeys,
});

const conditions = mergeBy('type');

const structTypes: Record<string, StructPatchMeta> = {
  ObjectMeta: {
    finalizers: { merge: true },
    ownerReferences: mergeBy('uid'),
  },
  PodTemplateSpec: { metadata: { type: 'ObjectMeta' }, spec: { type: 'PodSpec' } },
  PodSpec: {
    volumes: mergeBy('name', 'Volume', true),
    initContainers: mergeBy('name', 'Container'),
    containers: mergeBy('name', 'Container'),
    ephemeralContainers: mergeBy('name', 'Container'),
    imagePullSecrets: mergeBy('name'),
    hostAliases: mergeBy('ip'),
    topologySpreadConstraints: mergeBy('topologyKey'),
    resourceClaims: mergeBy('name', undefined, true),
    schedulingGates: mergeBy('name'),
  },
  // A Volume's source is a one-of: kubectl sends $retainKeys so that switching source drops the old one.
  Volume: {},
  Container: {
    ports: mergeBy('containerPort'),
    env: mergeBy('name'),
    volumeMounts: mergeBy('mountPath'),
    volumeDevices: mergeBy('devicePath'),
  },
  PodStatus: { conditions },
  Pod: { metadata: { type: 'ObjectMeta' }, spec: { type: 'PodSpec' }, status: { type: 'PodStatus' } },
  DeploymentSpec: {
    template: { type: 'PodTemplateSpec' },
    strategy: { retainKeys: true },
  },
  WithConditions: { conditions },
  Deployment: {
    metadata: { type: 'ObjectMeta' },
    spec: { type: 'DeploymentSpec' },
    status: { type: 'WithConditions' },
  },
  ReplicaSetSpec: { template: { type: 'PodTemplateSpec' } },
  ReplicaSet: {
    metadata: { type: 'ObjectMeta' },
    spec: { type: 'ReplicaSetSpec' },
    status: { type: 'WithConditions' },
  },
  ServiceSpec: { ports: mergeBy('port') },
  Service: {
    metadata: { type: 'ObjectMeta' },
    spec: { type: 'ServiceSpec' },
    status: { type: 'WithConditions' },
  },
  Namespace: { metadata: { type: 'ObjectMeta' }, status: { type: 'WithConditions' } },
  HorizontalPodAutoscaler: { metadata: { type: 'ObjectMeta' }, status: { type: 'WithConditions' } },
  CustomResourceDefinition: { metadata: { type: 'ObjectMeta' }, status: { type: 'WithConditions' } },
  APIService: { metadata: { type: 'ObjectMeta' }, status: { type: 'WithConditions' } },
  // Every other built-in kind (ConfigMap, Secret, Event, Lease, …) has tagged lists only in its metadata.
  GenericObject: { metadata: { type: 'ObjectMeta' } },
};

/** The patch metadata of a struct type, or of a top-level kind (unknown kinds get ObjectMeta only). */
export function structPatchMeta(typeName: string | undefined): StructPatchMeta {
  if (typeName === undefined) return {};
  return structTypes[typeName] ?? {};
}

/** The root type name strategic merge starts from for a built-in kind. */
export function kindTypeName(kind: string): string {
  return kind in structTypes ? kind : 'GenericObject';
}
