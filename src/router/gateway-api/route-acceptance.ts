import type { RouteStatusObservation } from '../../engine/observation.ts';
import type { HttpRoute, ParentRef, RouteParentStatus } from './http-route.ts';

/**
 * Whether a route's weights are in force, from what its parents (the Gateways or the mesh that
 * implement it) wrote in `status.parents`: in force when one of them has `Accepted=True` and
 * `ResolvedRefs` not False at the route's current generation. A parent that reported on an older
 * generation has not seen the latest write yet (pending); a route nobody reported on, or that every
 * parent refused, moves no traffic (refused, with the parent's reason and message).
 */

type Condition = NonNullable<RouteParentStatus['conditions']>[number];

function parentLabel(ref: ParentRef | undefined, routeNamespace: string | undefined): string {
  if (!ref) return 'a parent';
  const kind = ref.kind ?? 'Gateway';
  const namespace = ref.namespace ?? routeNamespace;
  const where = namespace ? `${namespace}/${ref.name}` : ref.name;
  return `${kind} ${where}${ref.sectionName ? ` (listener ${ref.sectionName})` : ''}${ref.port ? ` port ${ref.port}` : ''}`;
}

function condition(parent: RouteParentStatus, type: string): Condition | undefined {
  return parent.conditions?.find((c) => c.type === type);
}

function upToDate(parent: RouteParentStatus, generation: number | undefined): boolean {
  const observed = condition(parent, 'Accepted')?.observedGeneration;
  return generation === undefined || observed === undefined || observed >= generation;
}

function inForce(parent: RouteParentStatus): boolean {
  return condition(parent, 'Accepted')?.status === 'True' && condition(parent, 'ResolvedRefs')?.status !== 'False';
}

/** The route's status as the engine reads it. */
export function routeStatusOf(route: HttpRoute): RouteStatusObservation {
  const name = `${route.metadata.namespace ?? ''}/${route.metadata.name}`;
  const parents = route.status?.parents ?? [];
  const generation = route.metadata.generation;
  if (parents.length === 0) {
    const wanted = (route.spec.parentRefs ?? []).map((ref) => parentLabel(ref, route.metadata.namespace)).join(', ') || 'its parents';
    return {
      state: 'refused',
      reason: 'NoParentStatus',
      message: `no parent reported on HTTPRoute ${name}: is a Gateway API implementation serving ${wanted}?`,
    };
  }
  if (parents.some((parent) => inForce(parent) && upToDate(parent, generation))) return { state: 'accepted' };
  if (parents.some((parent) => !upToDate(parent, generation))) return { state: 'pending' };
  const refusing = parents.find((parent) => condition(parent, 'Accepted')?.status !== 'True') ?? parents[0];
  const accepted = condition(refusing, 'Accepted');
  const failed = accepted?.status === 'True' ? condition(refusing, 'ResolvedRefs') : accepted;
  const what = accepted?.status === 'True' ? 'could not resolve the backends of' : 'did not accept';
  const reason = failed?.reason ?? 'NotAccepted';
  return {
    state: 'refused',
    reason,
    message: `${parentLabel(refusing.parentRef, route.metadata.namespace)} ${what} HTTPRoute ${name}: ${reason}${failed?.message ? `: ${failed.message}` : ''}`,
  };
}
