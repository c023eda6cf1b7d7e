/**
 * The sandbox data plane's Gateway API side: it watches HTTPRoutes and Gateways, decides where a request
 * to an apex Service (in the mesh, GAMMA) or to one of its Gateways goes by the routes attached to them,
 * and answers in the routes' status as an implementation does (see http-route-status.ts).
 */
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../../log/logger.ts';
import { routeRequest, type RoutableRequest, type RoutedRequest } from './gateway-routing.ts';
import { isServiceParent, readHttpRoute, type RouteView } from './http-route-view.ts';
import { startRouteStatusWriter } from './http-route-status.ts';
import { watchSmiResource } from './smi-resource-watch.ts';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/**
 * Where the proxy sends a request: a Service (with what the route asks done on the way, and the
 * resourceVersion of the TrafficSplit or HTTPRoute state that decided), or an error status.
 */
export type BackendChoice = { service: string; namespace: string; routeVersion?: string; routed?: RoutedRequest } | { error: string; status: number };

/** The running Gateway API side; `stop()` it. */
export interface GatewayApiPlane {
  /** The choice for a request to an apex Service, or undefined when no HTTPRoute is attached to it. */
  forService(namespace: string, service: string, request: RoutableRequest): BackendChoice | undefined;
  /** The choice for a request to a Gateway (404 when no route attached to it matches). */
  forGateway(namespace: string, name: string, request: RoutableRequest): BackendChoice;
  /** Resolves once HTTPRoutes and Gateways are served and listed. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

function choiceOf(decision: ReturnType<typeof routeRequest>, what: string): BackendChoice | undefined {
  switch (decision.kind) {
    case 'unattached':
      return undefined;
    case 'no-match':
      return { status: 404, error: `no HTTPRoute rule of ${what} matches this request` };
    case 'no-backend':
      return { status: 500, error: decision.message };
    case 'routed':
      return { service: decision.backend.service, namespace: decision.backend.namespace, routeVersion: decision.routeVersion, routed: decision };
  }
}

/** Starts watching HTTPRoutes and Gateways and writing route statuses. */
export function startGatewayApiPlane(options: { kubeConfig: KubeConfig; draw: () => number; logger?: Logger }): GatewayApiPlane {
  let statusChanged = (): void => undefined;
  const routes = watchSmiResource<KubernetesObject & { spec?: unknown }>(options.kubeConfig, GATEWAY_GROUP, 'httproutes', { logger: options.logger, onChange: () => statusChanged() });
  const gateways = watchSmiResource<KubernetesObject & { spec?: never }>(options.kubeConfig, GATEWAY_GROUP, 'gateways', { logger: options.logger, onChange: () => statusChanged() });
  const status = startRouteStatusWriter({ kubeConfig: options.kubeConfig, routes: routes as never, gateways, logger: options.logger });
  statusChanged = status.onChange;
  const views = (): RouteView[] => routes.list().flatMap((object) => readHttpRoute(object as never) ?? []);
  const ready = Promise.all([routes.ready, gateways.ready, status.services.ready]).then(() => status.writer.sync());

  return {
    forService: (namespace, service, request) =>
      choiceOf(routeRequest(views(), (p) => isServiceParent(p) && p.namespace === namespace && p.name === service, { ...request, host: undefined }, options.draw), `Service ${namespace}/${service}`),
    forGateway: (namespace, name, request) =>
      choiceOf(routeRequest(views(), (p) => p.kind === 'Gateway' && p.group === GATEWAY_GROUP && p.namespace === namespace && p.name === name, request, options.draw), `Gateway ${namespace}/${name}`) ?? {
        status: 404,
        error: `no HTTPRoute is attached to Gateway ${namespace}/${name}`,
      },
    ready,
    stop: async () => {
      await status.writer.stop();
      await Promise.all([routes.stop(), gateways.stop()]);
    },
  };
}
