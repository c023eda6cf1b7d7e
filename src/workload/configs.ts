import { configMapAccess, secretAccess } from './object-access.ts';
import type { CoreV1Api, V1ConfigMap, V1ObjectMeta, V1Secret } from '@kubernetes/client-node';
import { createOrPatch, type ApplyOutcome, type ObjectOps } from '../kube/create-or-patch.ts';
import { withOwner, controllerReference, type OwnerIdentity } from '../kube/owner.ts';
import { stringMapPatch } from '../kube/patch.ts';
import { primaryName } from '../api/names.ts';
import { primaryCopyLabels } from './primary-metadata.ts';

/** The primary copy of a ConfigMap: same content, name suffixed `-primary`, owned by the Canary. */
export function primaryConfigMap(source: V1ConfigMap, owner: OwnerIdentity, labelPrefixes: readonly string[] = []): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: primaryName(source.metadata?.name ?? ''),
      namespace: source.metadata?.namespace,
      labels: primaryCopyLabels(source.metadata, labelPrefixes),
      ownerReferences: [controllerReference(owner)],
    },
    data: source.data ?? {},
    binaryData: source.binaryData ?? {},
  };
}

/** The primary copy of a Secret: same type and data, name suffixed `-primary`, owned by the Canary. */
export function primarySecret(source: V1Secret, owner: OwnerIdentity, labelPrefixes: readonly string[] = []): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: source.type ?? 'Opaque',
    metadata: {
      name: primaryName(source.metadata?.name ?? ''),
      namespace: source.metadata?.namespace,
      labels: primaryCopyLabels(source.metadata, labelPrefixes),
      ownerReferences: [controllerReference(owner)],
    },
    data: source.data ?? {},
  };
}

// The copy's content is entirely Kanari's: keys gone from the source are removed from the copy.
function contentPatch(current: Record<string, string> | undefined, desired: Record<string, string>) {
  return stringMapPatch(current, desired, Object.keys(current ?? {}));
}

/** Creates or updates the primary copy of a ConfigMap. */
export async function applyPrimaryConfigMap(core: CoreV1Api, source: V1ConfigMap, owner: OwnerIdentity, labelPrefixes: readonly string[] = []): Promise<ApplyOutcome> {
  const desired = primaryConfigMap(source, owner, labelPrefixes);
  const name = desired.metadata!.name!;
  const namespace = desired.metadata!.namespace!;
  return applyCopy(
    configMapAccess(core, name, namespace),
    desired,
    owner,
    ['data', 'binaryData'],
  );
}

/** Creates or updates the primary copy of a Secret. */
export async function applyPrimarySecret(core: CoreV1Api, source: V1Secret, owner: OwnerIdentity, labelPrefixes: readonly string[] = []): Promise<ApplyOutcome> {
  const desired = primarySecret(source, owner, labelPrefixes);
  const name = desired.metadata!.name!;
  const namespace = desired.metadata!.namespace!;
  return applyCopy(
    secretAccess(core, name, namespace),
    desired,
    owner,
    ['data'],
  );
}

type ContentField = 'data' | 'binaryData';
type ConfigCopy = { metadata?: V1ObjectMeta } & Partial<Record<ContentField, Record<string, string>>>;

/** Creates the copy, or patches the content keys, labels and owner that differ from it. */
async function applyCopy<T extends ConfigCopy>(ops: ObjectOps<T>, desired: T, owner: OwnerIdentity, fields: ContentField[]): Promise<ApplyOutcome> {
  const { outcome } = await createOrPatch<T>(ops, desired, (current) => {
    const content = Object.fromEntries(fields.map((field) => [field, contentPatch(current[field], desired[field] ?? {})]));
    const ownerReferences = withOwner(current.metadata, owner);
    const labels = stringMapPatch(current.metadata?.labels, desired.metadata!.labels!);
    if (Object.values(content).every((patch) => !patch) && !ownerReferences && !labels) return undefined;
    return { metadata: { labels, ownerReferences }, ...content };
  });
  return outcome;
}
