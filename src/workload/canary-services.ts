import type { CoreV1Api, V1PodSpec } from '@kubernetes/client-node';
import type { Canary } from '../api/canary.ts';
import { canaryServiceName, primaryServiceName, serviceNameOf } from '../api/names.ts';
import { deleteIgnoringMissing } from '../kube/create-or-patch.ts';
import { mergePatchOptions } from '../kube/patch.ts';
import type { Logger } from '../log/logger.ts';
import type { ClusterReader } from './cluster-reader.ts';
import { applyService, canaryOwner, canaryService } from './services.ts';

/**
 * The three Services of a Canary, whatever kind of workload it releases: created or adopted at
 * initialization, handed back to the target on `revertOnDeletion`.
 */

/**
 * Creates or adopts `<name>-primary`, `<name>-canary` and the apex Service. With a `reader` (a cache of
 * Kanari's Services), what exists is looked up there instead of read from the API server first.
 */
export async function applyCanaryServices(
  core: CoreV1Api,
  canary: Canary,
  selector: Record<string, string>,
  podSpec: V1PodSpec | undefined,
  reader?: Pick<ClusterReader, 'service'>,
): Promise<void> {
  const owner = canaryOwner(canary);
  for (const role of ['primary', 'canary', 'apex'] as const) {
    const desired = canaryService(canary, role, selector, podSpec);
    const known = reader && { current: await reader.service(desired.metadata!.namespace!, desired.metadata!.name!) };
    // The apex Service is the one people route through and may have made themselves: never own it by adoption.
    await applyService(core, desired, owner, role === 'apex' ? 'manage' : 'own', known);
  }
}

/**
 * revertOnDeletion: points the apex Service at the target's pods and lets it outlive the Canary, then
 * deletes `-primary` and `-canary`.
 */
export async function releaseCanaryServices(core: CoreV1Api, canary: Canary, selector: Record<string, string>, podSpec: V1PodSpec | undefined, log?: Logger): Promise<void> {
  const namespace = canary.metadata.namespace!;
  const apex = canaryService(canary, 'apex', selector, podSpec);
  apex.spec!.selector = { ...selector };
  await applyService(core, apex, canaryOwner(canary)).catch((err) => log?.warn({ err }, 'could not point the apex service at the target'));
  // With our ownerReference left on it, the garbage collector would delete the apex Service right after
  // the finalizer is released and the app would lose its name.
  await disownService(core, canary, serviceNameOf(canary)).catch((err) => log?.warn({ err }, 'could not release the apex service'));
  const base = serviceNameOf(canary);
  for (const name of [primaryServiceName(base), canaryServiceName(base)]) await deleteIgnoringMissing(() => core.deleteNamespacedService({ name, namespace }));
}

/** Removes the Canary's ownerReference from Service `name`, keeping any other owners. */
async function disownService(core: CoreV1Api, canary: Canary, name: string): Promise<void> {
  const namespace = canary.metadata.namespace!;
  const service = await core.readNamespacedService({ name, namespace });
  const refs = service.metadata?.ownerReferences ?? [];
  const others = refs.filter((ref) => ref.uid !== canary.metadata.uid);
  if (others.length === refs.length) return;
  const body = { metadata: { ownerReferences: others.length > 0 ? others : null } };
  await core.patchNamespacedService({ name, namespace, body }, mergePatchOptions());
}
