import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { builtinResources } from './builtin-resources.ts';
import { Faults } from './faults.ts';
import { createHttpHandler, type AggregatedHandler } from './http-handler.ts';
import type { JsonObject } from './json.ts';
import { kubeConfigFor, kubeconfigYaml } from './kubeconfig.ts';
import { rfc3339 } from './object-metadata.ts';
import { ObjectStore } from './object-store.ts';
import { RequestCounter } from './request-counter.ts';
import { AccessLog, type AccessRecord } from './access-log.ts';
import { mountAuthApis } from './auth-apis.ts';
import { ResourceRegistry, type AggregatedResource } from './resource-registry.ts';
import { ResourceService } from './resource-service.ts';
import { SnapshotFile } from './snapshot-file.ts';
import { generateServingCertificate } from './tls-certificate.ts';
import { WatchHub } from './watch-hub.ts';

export type { AggregatedResource } from './resource-registry.ts';
export type { AccessRecord } from './access-log.ts';
export { Faults } from './faults.ts';

export interface ApiServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Serve HTTPS with a fresh self-signed certificate (default true). */
  https?: boolean;
  /** The bearer token clients must send; random when not given. */
  token?: string;
  /** Keep the store in this JSON file across restarts. */
  dataFile?: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** How many past changes watches can resume from before 410 Gone (default 10,000). */
  historySize?: number;
  /** How often open watches that asked for bookmarks get one (default 1 s). */
  bookmarkIntervalMs?: number;
}

/** A running sandbox API server. */
export interface SandboxApiServer {
  url: string;
  token: string;
  /** A client-node KubeConfig for this server, ready for makeApiClient. */
  kubeConfig: KubeConfig;
  /** A kubeconfig file's content that kubectl accepts. */
  kubeconfigYaml(): string;
  faults: Faults;
  requestCounts(): Record<string, number>;
  resetRequestCounts(): void;
  /** Adds a user with its own token (and groups, for RBAC bindings to groups), e.g. to tell a controller's requests from a test's own. */
  addUser(name: string, options?: { groups?: string[] }): { token: string; kubeConfig: KubeConfig };
  /** The distinct (user, group, resource, verb) accesses so far, of one user or all. */
  accessLog(user?: string): AccessRecord[];
  /** How many watch streams are open now (tests check that clients that went away released theirs). */
  openWatches(): number;
  /** How many client connections are open now (tests check that clients reuse them). */
  openConnections(): number;
  /** Serves handler under /apis/{group}/{version}/…, lists it in discovery, creates its Available APIService; returns the unmount function. */
  mountAggregatedApi(group: string, version: string, resources: AggregatedResource[], handler: AggregatedHandler): () => void;
  stop(): Promise<void>;
}

/** Starts an in-process Kubernetes API server on loopback (HTTPS and a random port by default). */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<SandboxApiServer> {
  const host = opts.host ?? '127.0.0.1';
  const useHttps = opts.https ?? true;
  const token = opts.token ?? randomBytes(24).toString('hex');
  const store = new ObjectStore(opts.historySize);
  const registry = new ResourceRegistry(builtinResources());
  const watches = new WatchHub(store, opts.bookmarkIntervalMs ?? 1000);
  const counter = new RequestCounter();
  const access = new AccessLog();
  const users = new Map<string, string>([[token, 'admin']]);
  // The server's own user is a cluster admin (system:masters), as a kubeadm admin.conf's is.
  const userGroups = new Map<string, string[]>([['admin', ['system:masters']]]);
  const aggregatedHandlers = new Map<string, AggregatedHandler>();
  const sockets = new Set<Socket>();
  let port = opts.port ?? 0;
  let listening = false;

  const faults: Faults = new Faults({
    dropWatches: () => watches.dropAll(),
    compact: () => {
      store.compact();
      watches.expireAll();
    },
    down: async () => {
      if (!listening) return;
      listening = false;
      watches.destroyAll();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
    up: async () => {
      if (listening) return;
      await listen();
    },
  });
  const service = new ResourceService(store, registry, faults);
  const snapshotFile = opts.dataFile ? new SnapshotFile(opts.dataFile, store) : undefined;
  if (snapshotFile?.load()) service.serveStoredCrds();
  if (!store.get('namespaces.', undefined, 'default')) {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      service.create({ type: registry.lookup('', 'v1', 'namespaces') as never, namespace: undefined, name: undefined, subresource: undefined }, { metadata: { name } }, { dryRun: false, fieldManager: undefined, force: false });
    }
  }
  snapshotFile?.start();
  mountAuthApis({ registry, aggregatedHandlers, store, users: { byToken: users, groups: userGroups } });

  const cert = useHttps ? await generateServingCertificate(host === '0.0.0.0' ? [] : [host]) : undefined;
  const handler = createHttpHandler({
    service,
    watches,
    faults,
    counter,
    users,
    access,
    aggregatedHandlers,
    serverAddress: () => `${host}:${port}`,
    now: () => new Date(),
  });
  const server: Server = cert ? createHttpsServer({ key: cert.key, cert: cert.cert }, handler) : createHttpServer(handler);
  server.keepAliveTimeout = 65_000;
  // The raw TCP sockets only: a TLS connection rides on one, and destroying it ends both.
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        listening = true;
        resolve();
      });
    });
  await listen();

  const url = `${cert ? 'https' : 'http'}://${host}:${port}`;
  const kubeParams = { url, token, caCert: cert?.cert };
  const apiServiceType = registry.lookup('apiregistration.k8s.io', 'v1', 'apiservices');

  return {
    url,
    token,
    kubeConfig: kubeConfigFor(kubeParams),
    kubeconfigYaml: () => kubeconfigYaml(kubeParams),
    faults,
    requestCounts: () => counter.snapshot(),
    addUser(name, options) {
      const userToken = randomBytes(24).toString('hex');
      users.set(userToken, name);
      userGroups.set(name, options?.groups ?? []);
      return { token: userToken, kubeConfig: kubeConfigFor({ ...kubeParams, token: userToken, name }) };
    },
    accessLog: (user) => access.records(user),
    resetRequestCounts: () => counter.reset(),
    openWatches: () => watches.size,
    openConnections: () => sockets.size,
    mountAggregatedApi(group, version, resources, h) {
      const key = `${group}/${version}`;
      registry.aggregated.set(key, { group, version, resources });
      aggregatedHandlers.set(key, h);
      const name = `${version}.${group}`;
      const target = { type: apiServiceType as never, namespace: undefined, name, subresource: undefined };
      const apiService: JsonObject = {
        metadata: { name },
        spec: { group, version, groupPriorityMinimum: 100, versionPriority: 100, service: { name: 'kanari-sandbox', namespace: 'kube-system', port: 443 }, insecureSkipTLSVerify: true },
      };
      const stored = store.get('apiservices.apiregistration.k8s.io', undefined, name);
      if (stored) service.delete(target, { dryRun: false, propagationPolicy: undefined, preconditions: undefined });
      service.create({ ...target, name: undefined }, apiService, { dryRun: false, fieldManager: undefined, force: false });
      const created = store.get('apiservices.apiregistration.k8s.io', undefined, name) as JsonObject;
      store.put('apiservices.apiregistration.k8s.io', {
        ...created,
        status: { conditions: [{ type: 'Available', status: 'True', lastTransitionTime: rfc3339(new Date()), reason: 'Passed', message: 'all checks passed' }] },
      });
      return () => {
        if (aggregatedHandlers.get(key) !== h) return;
        aggregatedHandlers.delete(key);
        registry.aggregated.delete(key);
        if (store.get('apiservices.apiregistration.k8s.io', undefined, name)) service.delete(target, { dryRun: false, propagationPolicy: undefined, preconditions: undefined });
      };
    },
    async stop() {
      await faults.down();
      snapshotFile?.stop();
    },
  };
}

export type { IncomingMessage, ServerResponse };
