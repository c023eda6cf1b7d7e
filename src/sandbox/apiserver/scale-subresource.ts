import { ApiError, notFound } from './api-error.ts';
import { isObject, metadataOf, readPath, type JsonObject } from './json.ts';
import { LabelSelector } from '../../kube/label-selector.ts';
import type { ResourceType } from './resource-type.ts';

/** The autoscaling/v1 Scale view of an object with a scale subresource. */
export function scaleOf(type: ResourceType, obj: JsonObject): JsonObject {
  const paths = type.scale;
  if (!paths) throw notFound(type, String(metadataOf(obj).name));
  const md = obj.metadata as JsonObject;
  const status: JsonObject = { replicas: Number(readPath(obj, paths.statusReplicasPath) ?? 0) };
  const selector = readPath(obj, '.spec.selector');
  if (type.builtin && isObject(selector)) status.selector = LabelSelector.fromLabelSelector(selector).toString();
  else if (paths.labelSelectorPath && typeof readPath(obj, paths.labelSelectorPath) === 'string') status.selector = readPath(obj, paths.labelSelectorPath);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion, creationTimestamp: md.creationTimestamp },
    spec: { replicas: Number(readPath(obj, paths.specReplicasPath) ?? 0) },
    status,
  };
}

/** The replicas a Scale asks for, or 422 as the real server words it for a missing or negative count. */
export function requestedReplicas(name: string | undefined, scale: JsonObject): number {
  const replicas = readPath(scale, '.spec.replicas');
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${String(name)}" is invalid: spec.replicas: Invalid value: ${String(replicas)}: must be greater than or equal to 0`, {
      name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
    });
  }
  return replicas;
}
