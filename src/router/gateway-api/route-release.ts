import type { Canary } from '../../api/canary.ts';
import { routeServices } from './desired-route.ts';
import type { HttpRoute, RouteRule } from './http-route.ts';
import { ALL_PATHS } from './route-matches.ts';
import { mergeRules } from './route-merge.ts';

/**
 * The merge patch that hands a Gateway's route back to the app when its Canary is deleted with
 * revertOnDeletion: Kanari's rules become one rule sending every request to the apex Service (pointed
 * back at the target by the workload shell), other writers' rules stay, and the Canary's ownerReference
 * goes so the garbage collector does not take the app off the Gateway with it.
 */
export function releasedRoute(current: HttpRoute, canary: Canary): Record<string, unknown> {
  const services = routeServices(canary);
  const handedOver: RouteRule = { matches: [structuredClone(ALL_PATHS)], backendRefs: [{ group: '', kind: 'Service', name: services.apex, port: services.port, weight: 1 }] };
  const rules = mergeRules(current.spec.rules ?? [], [handedOver], services);
  const owners = (current.metadata.ownerReferences ?? []).filter((ref) => ref.uid !== canary.metadata.uid);
  return {
    metadata: { resourceVersion: current.metadata.resourceVersion, ownerReferences: owners.length > 0 ? owners : null },
    spec: { rules },
  };
}
