import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { isManualRequestKind } from '../api/annotations.ts';
import type { Logger } from '../log/logger.ts';
import { canaryAccessPreflight, discoverMesh, type MeshReport } from '../mesh/mesh-discovery.ts';
import type { CanarySource } from './canary-source.ts';
import { canaryDetail, canarySummary, type CanarySummary } from './canary-view.ts';
import { loadDashboardAssets } from './dashboard-assets.ts';
import { ManualActions } from './manual-actions.ts';

/**
 * The dashboard's HTTP server: the page, its scripts and Chart.js, and a small JSON API under /api —
 * the Canaries (live through Server-Sent Events), one Canary with its run history, Events and
 * TrafficAccess preflight, the mesh report, and the manual actions when they are enabled. Reads go
 * through the dashboard's own credentials; actions through the person's (manual-actions.ts).
 */

export interface DashboardOptions {
  /** The dashboard's credentials: Events, the preflight and the mesh report are read with them. */
  kubeConfig: KubeConfig;
  source: CanarySource;
  host?: string;
  port?: number;
  /** Let people promote, abort, pause, resume and retry from the page (with their own token). */
  actions?: boolean;
  /** Prometheus addresses the mesh page checks besides the MetricTemplates' (e.g. `--metrics-server`). */
  prometheus?: { url: string; usedBy: string }[];
  /** Namespaces whose Canaries the mesh page checks; empty: all. */
  namespaces?: string[];
  /** Shown in the page title: which cluster this is. */
  title?: string;
  logger?: Logger;
  now?: () => number;
}

export interface DashboardServer {
  url: string;
  close(): Promise<void>;
}

// Live updates are batched: a rollout writes its status every tick, a list of many Canaries changes often.
const BROADCAST_EVERY_MS = 300;
const KEEPALIVE_MS = 15_000;
const MESH_REPORT_TTL_MS = 5_000;
const MAX_EVENTS = 100;

/** Starts the dashboard; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const { index, assets } = loadDashboardAssets();
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  const actions = options.actions ? new ManualActions({ kubeConfig: options.kubeConfig, now: options.now }) : undefined;
  const streams = new Set<ServerResponse>();
  let mesh: { at: number; report: Promise<MeshReport> } | undefined;
  let broadcastTimer: NodeJS.Timeout | undefined;

  const summaries = (): CanarySummary[] =>
    options.source
      .list()
      .map(canarySummary)
      .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
  const broadcast = () => {
    broadcastTimer = undefined;
    if (streams.size === 0) return;
    const frame = `event: canaries\ndata: ${JSON.stringify(summaries())}\n\n`;
    for (const stream of streams) stream.write(frame);
  };
  const stopWatching = options.source.onChange(() => {
    broadcastTimer ??= setTimeout(broadcast, BROADCAST_EVERY_MS);
  });
  const keepalive = setInterval(() => {
    for (const stream of streams) stream.write(': keepalive\n\n');
  }, KEEPALIVE_MS);

  const routes = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://dashboard');
    const path = url.pathname;
    if (req.method === 'GET' && (path === '/' || path === '/index.html')) return send(res, 200, index.body, index.contentType);
    if (path === '/favicon.ico') return send(res, 204, '', 'image/x-icon', 'public, max-age=86400');
    if (req.method === 'GET' && path.startsWith('/assets/')) {
      const asset = assets.get(path.slice('/assets/'.length));
      return asset ? send(res, 200, asset.body, asset.contentType, 'public, max-age=300') : json(res, 404, { message: `no asset ${path}` });
    }
    if (req.method === 'GET' && path === '/api/config') return json(res, 200, { actions: actions !== undefined, title: options.title ?? '' });
    if (req.method === 'GET' && path === '/api/canaries') return json(res, 200, summaries());
    if (req.method === 'GET' && path === '/api/stream') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Content-Type-Options': 'nosniff' });
      res.write(`event: canaries\ndata: ${JSON.stringify(summaries())}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    if (req.method === 'GET' && path === '/api/mesh') {
      const now = Date.now();
      if (!mesh || now - mesh.at > MESH_REPORT_TTL_MS) {
        mesh = { at: now, report: discoverMesh({ kubeConfig: options.kubeConfig, prometheus: options.prometheus, namespaces: options.namespaces }) };
      }
      return json(res, 200, await mesh.report);
    }
    const canaryPath = /^\/api\/canaries\/([^/]+)\/([^/]+)(?:\/actions\/([^/]+))?$/.exec(path);
    if (canaryPath) {
      const [namespace, name, action] = canaryPath.slice(1).map((part) => (part === undefined ? undefined : decodeURIComponent(part)));
      if (action === undefined && req.method === 'GET') {
        const canary = options.source.get(namespace!, name!);
        if (!canary) return json(res, 404, { message: `canary ${name}.${namespace} not found` });
        const [events, preflight] = await Promise.all([canaryEvents(core, namespace!, name!), canaryAccessPreflight(options.kubeConfig, canary)]);
        return json(res, 200, { ...canaryDetail(canary), events, preflight });
      }
      if (action !== undefined && req.method === 'POST') {
        if (!actions) return json(res, 403, { message: 'manual actions are off on this dashboard (start it with --actions, or --dashboard-actions on the controller)' });
        if (!isManualRequestKind(action)) return json(res, 400, { message: `unknown action ${action}: promote, promote-full, abort, pause, resume or retry` });
        const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
        const outcome = await actions.perform(action, namespace!, name!, token);
        options.logger?.info({ canary: name, namespace, action, user: outcome.user, status: outcome.status }, 'dashboard manual action');
        return json(res, outcome.status, outcome);
      }
    }
    return json(res, req.method === 'GET' || req.method === 'POST' ? 404 : 405, { message: `no ${req.method} ${path}` });
  };

  const server: Server = createServer((req, res) => {
    routes(req, res).catch((err: unknown) => {
      options.logger?.warn({ err: err instanceof Error ? err.message : String(err), path: req.url }, 'dashboard request failed');
      if (!res.headersSent) json(res, 500, { message: err instanceof Error ? err.message : String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        stopWatching();
        clearInterval(keepalive);
        if (broadcastTimer) clearTimeout(broadcastTimer);
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The Canary's Events, newest first, as `kubectl describe` lists them. */
async function canaryEvents(core: CoreV1Api, namespace: string, name: string) {
  try {
    const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.kind=Canary,involvedObject.name=${name}` });
    return list.items
      .map((event) => ({
        type: event.type ?? 'Normal',
        reason: event.reason ?? '',
        message: event.message ?? '',
        count: event.count ?? 1,
        firstTime: toTime(event.firstTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp),
        lastTime: toTime(event.lastTimestamp ?? event.eventTime ?? event.metadata?.creationTimestamp),
      }))
      .sort((a, b) => (b.lastTime ?? '').localeCompare(a.lastTime ?? ''))
      .slice(0, MAX_EVENTS);
  } catch {
    return [];
  }
}

function toTime(value: Date | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
};

function send(res: ServerResponse, code: number, body: Buffer | string, contentType: string, cache = 'no-cache'): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': cache, ...SECURITY_HEADERS }).end(body);
}

function json(res: ServerResponse, code: number, body: unknown): void {
  send(res, code, JSON.stringify(body), 'application/json; charset=utf-8');
}
