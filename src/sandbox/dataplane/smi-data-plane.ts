/**
 * The playground's data plane: one HTTP proxy per apex Service that routes by the TrafficSplit named
 * after it (honouring HTTPRouteGroup matches for A/B) or, with `gatewayApi`, by the HTTPRoutes attached
 * to it (weights, matches, header and rewrite filters, mirrors), plus proxies for Gateways; it enforces
 * TrafficTargets when access control is on, and records what it served for TrafficMetrics and
 * Prometheus (latency as the app states it).
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { KubeConfig, KubernetesObject } from '@kubernetes/client-node';
import { createLogger, type Logger } from '../../log/logger.ts';
import { createTrafficMetricsHandler, type TrafficMetricsHandler } from '../../metrics/traffic-metrics-handler.ts';
import type { Endpoint } from '../kubelet/simulated-kubelet.ts';
import { SERVICE_TIME_HEADER, VERSION_HEADER } from '../sample-app/sample-app.ts';
import { createSeededRandom } from '../sample-app/seeded-random.ts';
import { decideAccess, parseSourceIdentity, type TrafficTargetObject } from './access-policy.ts';
import { matchesAny, routeGroupMatches, type HttpMatch, type MatchableRequest } from './http-route-match.ts';
import { renderPrometheusText } from './prometheus-exposition.ts';
import { startGatewayApiPlane, type BackendChoice } from './gateway-api-plane.ts';
import { applyHeaderEdits } from './header-edits.ts';
import { watchSmiResource, type SmiResourceWatch } from './smi-resource-watch.ts';
import { StoreTrafficMetrics } from './store-traffic-metrics.ts';
import { readTrafficSplit } from './traffic-split-view.ts';
import { TrafficStore, type VersionCounts } from './traffic-store.ts';
import { chooseWeighted } from './weighted-choice.ts';

/** The header that carries the caller's ServiceAccount as `namespace/name`. */
export const SOURCE_HEADER = 'x-kanari-source-sa';
/** The response header naming the backend Service a request was routed to. */
export const BACKEND_HEADER = 'x-kanari-backend';
/**
 * The response header naming the route state a request was routed by (the resourceVersion of the
 * TrafficSplit, or of the HTTPRoute); absent when none applied. Tells which weights decided, whenever
 * the answer is looked at.
 */
export const SPLIT_VERSION_HEADER = 'x-kanari-trafficsplit-version';

/** Where the data plane finds ready pods of a Service (the simulated kubelet's lookup). */
export type EndpointSource = (namespace: string, service: string) => Endpoint[];

/** Options of the data plane. */
export interface DataPlaneOptions {
  kubeConfig: KubeConfig;
  endpoints: EndpointSource;
  /** Seed of the weighted backend choice. */
  seed?: number | string;
  /** Deny by default and admit only what TrafficTargets allow; default false. */
  accessControl?: boolean;
  logger?: Logger;
  /** Epoch milliseconds, for the metrics windows. */
  now?: () => number;
  /** Route by Gateway API HTTPRoutes too, and answer in their status (Services, and Gateways of class kanari-sandbox). */
  gatewayApi?: boolean;
  /** Watch the SMI kinds (default true); a cluster with Gateway API alone has none to wait for. */
  smi?: boolean;
}

/** One apex proxy. */
export interface ApexProxy {
  namespace: string;
  service: string;
  url: string;
  port: number;
}

/** A running data plane; always `stop()` it. */
export interface SmiDataPlane {
  /** Starts a proxy for an apex Service on its own loopback port. */
  addApex(namespace: string, service: string): Promise<ApexProxy>;
  /** Starts a proxy for a Gateway (of class kanari-sandbox) on its own loopback port; needs `gatewayApi`. */
  addGateway(namespace: string, name: string): Promise<{ namespace: string; name: string; url: string; port: number }>;
  /** The TrafficMetrics handler, mountable with the sandbox API server's `mountAggregatedApi`. */
  trafficMetricsHandler: TrafficMetricsHandler;
  /** Base URL of the Prometheus `/metrics` endpoint. */
  metricsUrl: string;
  /** Everything served, per workload and window. */
  store: TrafficStore;
  /** Requests answered by each version, and how many of those failed. */
  versionCounts(): Map<string, VersionCounts>;
  /** Requests refused with 403 by access control. */
  deniedCount(): number;
  setAccessControl(enabled: boolean): void;
  /** Resolves once the watched kinds (SMI's, and HTTPRoute and Gateway with `gatewayApi`) are served and listed (never while a CRD is missing). */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

function forwardableHeaders(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  return out;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function closeServer(server: Server, sockets: Set<Socket>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const socket of sockets) socket.destroy();
  await closed;
}

/** Starts the data plane: SMI watches, the Prometheus endpoint, and no apex proxies until `addApex`. */
export async function startSmiDataPlane(options: DataPlaneOptions): Promise<SmiDataPlane> {
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const now = options.now ?? Date.now;
  const random = createSeededRandom(options.seed ?? 'kanari-dataplane');
  const store = new TrafficStore();
  let accessControl = options.accessControl ?? false;
  let denied = 0;
  const roundRobin = new Map<string, number>();
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const servers: Array<{ server: Server; sockets: Set<Socket> }> = [];

  const splits: SmiResourceWatch<KubernetesObject & { spec?: unknown }> = watchSmiResource(options.kubeConfig, 'split.smi-spec.io', 'trafficsplits', { logger });
  const routeGroups: SmiResourceWatch<KubernetesObject & { spec?: { matches?: unknown }; matches?: unknown }> = watchSmiResource(options.kubeConfig, 'specs.smi-spec.io', 'httproutegroups', { logger });
  const targets: SmiResourceWatch<KubernetesObject & TrafficTargetObject> = watchSmiResource(options.kubeConfig, 'access.smi-spec.io', 'traffictargets', { logger });

  const lookupRouteGroup = (namespace: string, name: string): HttpMatch[] | undefined => {
    const group = routeGroups.get(namespace, name);
    return group ? routeGroupMatches(group) : undefined;
  };

  const gateway = options.gatewayApi ? startGatewayApiPlane({ kubeConfig: options.kubeConfig, draw: () => random.next(), logger }) : undefined;

  const chooseBySplit = (namespace: string, apex: string, request: MatchableRequest): BackendChoice => {
    const object = splits.get(namespace, apex);
    const split = object && readTrafficSplit(object);
    if (!split || split.backends.length === 0) return { service: apex, namespace };
    const routeVersion = object.metadata?.resourceVersion;
    if (split.routeGroups.length > 0) {
      const matched = split.routeGroups.some((name) => matchesAny(lookupRouteGroup(namespace, name) ?? [], request));
      // SMI: requests that match none of the split's routes go to the apex service itself.
      if (!matched) return { service: apex, namespace, routeVersion };
    }
    const service = chooseWeighted(split.backends, random.next());
    return service ? { service, namespace, routeVersion } : { status: 503, error: `TrafficSplit ${namespace}/${apex} has no backend with a positive weight` };
  };
  // An HTTPRoute attached to the apex Service routes it (as in a GAMMA mesh); without one, the TrafficSplit does.
  const chooseForApex = (namespace: string, apex: string) => (request: MatchableRequest): BackendChoice =>
    gateway?.forService(namespace, apex, request) ?? chooseBySplit(namespace, apex, request);

  const proxy = (namespace: string, choose: (request: MatchableRequest & { host?: string }) => BackendChoice) => (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '') || undefined;
    const request: MatchableRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers };
    const fail = (status: number, message: string): void => {
      req.resume();
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
    };
    const choice = choose({ ...request, host });
    if ('error' in choice) return fail(choice.status, choice.error);
    const routed = choice.routed;
    const path = routed?.path ?? req.url ?? '/';
    const requestHeaders = applyHeaderEdits(forwardableHeaders(req.headers), routed?.requestHeaders ?? []);
    // A GET or HEAD whose upstream fails before answering (a replica stopping under it, a pooled
    // connection it closed) is sent once more to another endpoint, as a mesh's connection-level retry does.
    const retriable = request.method === 'GET' || request.method === 'HEAD';
    const pick = (service: string) => {
      const endpoints = options.endpoints(choice.namespace, service);
      if (endpoints.length === 0) return undefined;
      const turn = roundRobin.get(`${choice.namespace}/${service}`) ?? 0;
      roundRobin.set(`${choice.namespace}/${service}`, turn + 1);
      return endpoints[turn % endpoints.length];
    };
    const forward = (attempt: number, body: Buffer | undefined): void => {
      const endpoint = pick(choice.service);
      if (!endpoint) return fail(503, `no ready endpoints for Service ${choice.namespace}/${choice.service}`);
      if (accessControl && attempt === 0) {
        const decision = decideAccess(targets.list(), parseSourceIdentity(req.headers[SOURCE_HEADER]), { namespace, name: endpoint.serviceAccount }, request, lookupRouteGroup);
        if (!decision.allowed) {
          denied++;
          return fail(403, decision.reason);
        }
      }
      const record = (success: boolean, version: string, latencyMs = performance.now() - started): void =>
        store.record({ namespace, deployment: endpoint.deployment, pod: endpoint.pod, version, success, latencyMs, at: now() });
      const upstream = httpRequest(
        { host: '127.0.0.1', port: endpoint.port, method: req.method, path, headers: requestHeaders, agent },
        (answer) => {
          const status = answer.statusCode ?? 502;
          const version = String(answer.headers[VERSION_HEADER] ?? '');
          const headers = applyHeaderEdits(forwardableHeaders(answer.headers), routed?.responseHeaders ?? []);
          const routing = { [BACKEND_HEADER]: choice.service, ...(choice.routeVersion ? { [SPLIT_VERSION_HEADER]: choice.routeVersion } : {}) };
          res.writeHead(status, { ...headers, ...routing });
          answer.pipe(res);
          // The latency is the one the app states (the sample app's LATENCY_MS draw), not the time this
          // process took: one process plays every part, and a busy machine would otherwise read as a slow
          // app and fail a healthy release's latency check. Measured when the app states none.
          const stated = Number(answer.headers[SERVICE_TIME_HEADER] ?? Number.NaN);
          answer.on('end', () => record(status < 500, version, Number.isFinite(stated) ? stated : undefined));
          answer.on('error', () => record(false, version));
        },
      );
      upstream.on('error', (error) => {
        if (retriable && attempt === 0 && !res.headersSent) return forward(1, body);
        record(false, endpoint.version);
        if (!res.headersSent) fail(502, `upstream ${endpoint.pod} failed: ${error.message}`);
        else res.destroy();
      });
      if (body !== undefined) upstream.end(body);
      else if (attempt === 0) req.pipe(upstream);
      else upstream.end();
    };
    // A mirrored request goes to the mirror's Service too; only the chosen backend's answer reaches the user.
    const mirror = (service: string, body: Buffer): void => {
      const endpoint = pick(service);
      if (!endpoint) return;
      const copy = httpRequest({ host: '127.0.0.1', port: endpoint.port, method: req.method, path, headers: requestHeaders, agent }, (answer) => {
        const status = answer.statusCode ?? 502;
        const version = String(answer.headers[VERSION_HEADER] ?? '');
        const stated = Number(answer.headers[SERVICE_TIME_HEADER] ?? Number.NaN);
        answer.resume();
        answer.on('end', () =>
          store.record({ namespace, deployment: endpoint.deployment, pod: endpoint.pod, version, success: status < 500, latencyMs: Number.isFinite(stated) ? stated : performance.now() - started, at: now() }));
      });
      copy.on('error', () => store.record({ namespace, deployment: endpoint.deployment, pod: endpoint.pod, version: endpoint.version, success: false, latencyMs: performance.now() - started, at: now() }));
      copy.end(body);
    };
    const mirrors = routed?.mirrors ?? [];
    if (mirrors.length === 0) return forward(0, undefined);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      for (const target of mirrors) mirror(target.service, body);
      forward(0, body);
    });
  };

  const metricsServer = createServer((req, res) => {
    if (req.url === '/metrics' || req.url?.startsWith('/metrics?')) {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(renderPrometheusText(store));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n');
    }
  });
  const metricsSockets = trackSockets(metricsServer);
  const metricsPort = await listen(metricsServer);
  servers.push({ server: metricsServer, sockets: metricsSockets });

  return {
    addApex: async (namespace, service) => {
      const server = createServer(proxy(namespace, chooseForApex(namespace, service)));
      const sockets = trackSockets(server);
      const port = await listen(server);
      servers.push({ server, sockets });
      logger.info({ namespace, service, port }, 'apex proxy listening');
      return { namespace, service, url: `http://127.0.0.1:${port}`, port };
    },
    addGateway: async (namespace, name) => {
      if (!gateway) throw new Error('Gateway proxies need the data plane started with gatewayApi: true');
      const server = createServer(proxy(namespace, (request) => gateway.forGateway(namespace, name, request)));
      const sockets = trackSockets(server);
      const port = await listen(server);
      servers.push({ server, sockets });
      logger.info({ namespace, gateway: name, port }, 'gateway proxy listening');
      return { namespace, name, url: `http://127.0.0.1:${port}`, port };
    },
    trafficMetricsHandler: createTrafficMetricsHandler({ source: new StoreTrafficMetrics(store), now: () => new Date(now()), logger }),
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    store,
    versionCounts: () => store.versions(),
    deniedCount: () => denied,
    setAccessControl: (enabled) => {
      accessControl = enabled;
    },
    synced: async () => {
      await Promise.all([...(options.smi === false ? [] : [splits.ready, routeGroups.ready, targets.ready]), gateway?.ready]);
    },
    stop: async () => {
      await Promise.all([splits.stop(), routeGroups.stop(), targets.stop(), gateway?.stop()]);
      await Promise.all(servers.map(({ server, sockets }) => closeServer(server, sockets)));
      agent.destroy();
    },
  };
}
