/**
 * The part of a Gateway API implementation that answers in `status.parents`: for every HTTPRoute parent
 * the sandbox data plane implements (every Service, as a GAMMA mesh does, and the Gateways of its own
 * GatewayClass), whether it accepted the route (a listener by that name exists and allows routes from
 * the route's namespace) and resolved its backends (the Services exist), at the route's generation.
 * Entries of other controllers are left as they are.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig, type KubernetesObject, type V1Service } from '@kubernetes/client-node';
import { mergePatchOptions } from '../../kube/patch.ts';
import { stableJson } from '../../text/stable-json.ts';
import type { Logger } from '../../log/logger.ts';
import { watchCollection, type WatchedCollection } from '../kubelet/watched-collection.ts';
import { isServiceParent, readHttpRoute, type ParentView, type RouteView } from './http-route-view.ts';
import type { SmiResourceWatch } from './smi-resource-watch.ts';

/** The GatewayClass whose Gateways the sandbox data plane serves. */
export const SANDBOX_GATEWAY_CLASS = 'kanari-sandbox';
/** The controllerName the data plane writes route statuses as. */
export const SANDBOX_CONTROLLER = 'kanari.dev/sandbox-dataplane';

type Condition = { type: string; status: 'True' | 'False'; reason: string; message: string; observedGeneration: number; lastTransitionTime: string };
type ParentStatus = { parentRef: Record<string, unknown>; controllerName: string; conditions: Condition[] };
type RouteObject = KubernetesObject & { spec?: { parentRefs?: Record<string, unknown>[] }; status?: { parents?: ParentStatus[] } };
type GatewayObject = KubernetesObject & { spec?: { gatewayClassName?: string; listeners?: { name: string; port?: number; allowedRoutes?: { namespaces?: { from?: string } } }[] } };

/** A running status writer; `stop()` it. */
export interface RouteStatusWriter {
  /** Writes every route's status now (it also does so on every change it sees). */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

type Verdict = { accepted: [boolean, string, string]; resolved: [boolean, string, string] };

function parentVerdict(route: RouteView, parent: ParentView, services: WatchedCollection<V1Service>, gateways: SmiResourceWatch<GatewayObject>): Verdict['accepted'] | undefined {
  if (isServiceParent(parent)) {
    return services.get(parent.namespace, parent.name)
      ? [true, 'Accepted', `the mesh routes Service ${parent.namespace}/${parent.name} by this route`]
      : [false, 'NoMatchingParent', `Service ${parent.namespace}/${parent.name} not found`];
  }
  if (parent.kind !== 'Gateway' || parent.group !== 'gateway.networking.k8s.io') return undefined;
  const gateway = gateways.get(parent.namespace, parent.name);
  // A Gateway of another class (or none at all) is not ours to answer for.
  if (gateway?.spec?.gatewayClassName !== SANDBOX_GATEWAY_CLASS) return undefined;
  const listeners = (gateway.spec.listeners ?? []).filter((l) => (parent.sectionName === undefined || l.name === parent.sectionName) && (parent.port === undefined || l.port === parent.port));
  if (listeners.length === 0) {
    return [false, 'NoMatchingParent', `Gateway ${parent.namespace}/${parent.name} has no listener ${parent.sectionName ?? ''}${parent.port ? ` on port ${parent.port}` : ''}`.trim()];
  }
  const allowed = listeners.filter((l) => {
    const from = l.allowedRoutes?.namespaces?.from ?? 'Same';
    return from !== 'Same' || route.namespace === parent.namespace;
  });
  if (allowed.length === 0) return [false, 'NotAllowedByListeners', `no listener of Gateway ${parent.namespace}/${parent.name} allows HTTPRoutes from namespace ${route.namespace}`];
  return [true, 'Accepted', `accepted by Gateway ${parent.namespace}/${parent.name}`];
}

function resolvedVerdict(route: RouteView, services: WatchedCollection<V1Service>): Verdict['resolved'] {
  const missing = route.rules.flatMap((rule) => rule.backends).find((b) => !services.get(b.namespace, b.service));
  return missing ? [false, 'BackendNotFound', `Service ${missing.namespace}/${missing.service} not found`] : [true, 'ResolvedRefs', 'every backend Service exists'];
}

function condition(type: string, [ok, reason, message]: [boolean, string, string], generation: number, previous: Condition | undefined, now: string): Condition {
  const status = ok ? 'True' : 'False';
  return { type, status, reason, message, observedGeneration: generation, lastTransitionTime: previous?.status === status ? previous.lastTransitionTime : now };
}

/** Starts answering for the routes in `routes`, reading Services and Gateways as they change. */
export function startRouteStatusWriter(options: {
  kubeConfig: KubeConfig;
  routes: SmiResourceWatch<RouteObject>;
  gateways: SmiResourceWatch<GatewayObject>;
  logger?: Logger;
  now?: () => number;
}): { writer: RouteStatusWriter; onChange: () => void; services: WatchedCollection<V1Service> } {
  const custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const now = options.now ?? Date.now;
  let pending: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const services = watchCollection<V1Service>({
    kubeConfig: options.kubeConfig,
    path: '/api/v1/services',
    list: () => core.listServiceForAllNamespaces(),
    onChange: () => onChange(),
    logger: options.logger,
  });

  const writeOne = async (object: RouteObject): Promise<void> => {
    const route = readHttpRoute(object as never);
    if (!route) return;
    const generation = object.metadata?.generation ?? 1;
    const stamp = new Date(now()).toISOString();
    const current = object.status?.parents ?? [];
    const ours: ParentStatus[] = [];
    (object.spec?.parentRefs ?? []).forEach((ref, i) => {
      const parent = route.parents[i];
      const accepted = parent && parentVerdict(route, parent, services, options.gateways);
      if (!accepted) return;
      const before = current.find((p) => p.controllerName === SANDBOX_CONTROLLER && JSON.stringify(p.parentRef) === JSON.stringify(ref));
      const previous = (type: string) => before?.conditions.find((c) => c.type === type);
      ours.push({
        parentRef: ref,
        controllerName: SANDBOX_CONTROLLER,
        conditions: [condition('Accepted', accepted, generation, previous('Accepted'), stamp), condition('ResolvedRefs', resolvedVerdict(route, services), generation, previous('ResolvedRefs'), stamp)],
      });
    });
    const parents = [...current.filter((p) => p.controllerName !== SANDBOX_CONTROLLER), ...ours];
    if (stableJson(parents) === stableJson(current)) return;
    const [group, version] = String(object.apiVersion).split('/');
    await custom.patchNamespacedCustomObjectStatus(
      { group, version, namespace: route.namespace, plural: 'httproutes', name: route.name, body: { status: { parents } } },
      mergePatchOptions(),
    );
  };

  const sync = async (): Promise<void> => {
    await services.ready;
    for (const object of options.routes.list()) {
      if (stopped) return;
      await writeOne(object).catch((err: unknown) => options.logger?.debug({ err: String(err), route: object.metadata?.name }, 'route status not written'));
    }
  };
  function onChange(): void {
    if (stopped || pending) return;
    // Changes come in bursts (a route and its Services); one pass after the burst answers them all.
    pending = setTimeout(() => {
      pending = undefined;
      running = running.then(sync);
    }, 5);
  }
  return {
    services,
    onChange,
    writer: {
      sync: () => (running = running.then(sync)),
      stop: async () => {
        stopped = true;
        clearTimeout(pending);
        await running.catch(() => undefined);
        await services.stop();
      },
    },
  };
}
