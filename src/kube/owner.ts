import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';

/** The identity of an owning object, as its metadata and type give it. */
export interface OwnerIdentity {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; uid?: string };
}

/** A controller ownerReference to `owner`, so the garbage collector deletes the dependent with it. */
export function controllerReference(owner: OwnerIdentity): V1OwnerReference {
  if (!owner.metadata.name || !owner.metadata.uid) throw new Error(`${owner.kind} has no name or uid yet: it must be read from the API server before it can own objects`);
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** True when `metadata` already lists `owner` (by uid) among its owners. */
export function isOwnedBy(metadata: V1ObjectMeta | undefined, owner: OwnerIdentity): boolean {
  return (metadata?.ownerReferences ?? []).some((ref) => ref.uid === owner.metadata.uid);
}

/**
 * The ownerReferences list with `owner` added, or undefined when it is already there. A merge patch
 * replaces the whole list, so foreign owners are carried over. Another controller reference is kept
 * but ours is then not marked controller (only one may be).
 */
export function withOwner(metadata: V1ObjectMeta | undefined, owner: OwnerIdentity): V1OwnerReference[] | undefined {
  if (isOwnedBy(metadata, owner)) return undefined;
  const existing = metadata?.ownerReferences ?? [];
  const ours = controllerReference(owner);
  if (existing.some((ref) => ref.controller)) ours.controller = false;
  return [...existing, ours];
}
