import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { generate } from 'selfsigned';
import type { Mesh } from '../api/canary.ts';
import { AccessReviewer } from '../kube/access-review.ts';
import { readRequestHeaderSettings, type RequestHeaderSettings } from '../kube/front-proxy.ts';
import type { Logger } from '../log/logger.ts';
import type { PrometheusProvider } from './prometheus.ts';
import { PrometheusTrafficMetrics } from './prometheus-traffic-metrics.ts';
import { guardTrafficMetrics } from './traffic-metrics-access.ts';
import { createTrafficMetricsHandler, type TrafficMetricsSource } from './traffic-metrics-handler.ts';

/**
 * Who may read the figures. `delegated`: only callers the API server's front proxy authenticated (its
 * CA and header names read from `kube-system/extension-apiserver-authentication`, re-read every
 * `reloadIntervalMs`), and only users its RBAC allows (SubjectAccessReview), as any aggregated API
 * server; `kubeConfig` is the server's own identity for those reads. `anyone`: no check at all, for a
 * server only a test on loopback reaches.
 */
export type TrafficMetricsAccessMode = { kind: 'delegated'; kubeConfig: KubeConfig; reloadIntervalMs?: number; reviewTtlMs?: number } | { kind: 'anyone' };

/** How `kanari metrics-server` serves: from which Prometheus and mesh, where, to whom, and with which serving certificate. */
export interface TrafficMetricsServerOptions {
  prometheus: PrometheusProvider;
  mesh: Mesh;
  /** Where the figures come from instead of Prometheus (tests). */
  source?: TrafficMetricsSource;
  access: TrafficMetricsAccessMode;
  /** The clock for timestamps; tests pin it. */
  now?: () => Date;
  port: number;
  host?: string;
  /** PEM files of the serving certificate; a self-signed one is generated when absent. */
  certFile?: string;
  keyFile?: string;
  logger?: Logger;
}

/** A running metrics server; `ca` is the certificate clients should trust (the APIService caBundle). */
export interface RunningTrafficMetricsServer {
  url: string;
  port: number;
  ca: string;
  close(): Promise<void>;
}

const DEFAULT_RELOAD_INTERVAL_MS = 60_000;

/** Serves `metrics.smi-spec.io/v1alpha1` over HTTPS until closed. */
export async function startTrafficMetricsServer(options: TrafficMetricsServerOptions): Promise<RunningTrafficMetricsServer> {
  const { cert, key } = await servingCertificate(options);
  const source = options.source ?? new PrometheusTrafficMetrics(options.prometheus, options.mesh);
  const open = createTrafficMetricsHandler({ source, now: options.now, logger: options.logger });
  const access = options.access;
  let settings: RequestHeaderSettings | undefined;
  let reload: NodeJS.Timeout | undefined;
  let server: https.Server;
  if (access.kind === 'delegated') {
    const core = access.kubeConfig.makeApiClient(CoreV1Api);
    settings = await readRequestHeaderSettings(core);
    const handler = guardTrafficMetrics(open, { settings: () => settings!, reviewer: new AccessReviewer({ kubeConfig: access.kubeConfig, ttlMs: access.reviewTtlMs }), logger: options.logger });
    // The TLS layer checks client certificates against the front-proxy CA; a request without one still
    // reaches the handler, which answers 401, as kube-apiserver's extension servers do.
    server = https.createServer({ cert, key, ca: settings.clientCA, requestCert: true, rejectUnauthorized: false }, (request, response) => void handler(request, response));
    // The API server rotates its front-proxy CA: follow the ConfigMap, keeping the last good settings on a failed read.
    reload = setInterval(() => {
      readRequestHeaderSettings(core).then(
        (next) => {
          if (next.clientCA !== settings?.clientCA) server.setSecureContext({ cert, key, ca: next.clientCA });
          settings = next;
        },
        (err: unknown) => options.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not re-read the front-proxy settings; keeping the last ones'),
      );
    }, access.reloadIntervalMs ?? DEFAULT_RELOAD_INTERVAL_MS);
    reload.unref();
  } else {
    server = https.createServer({ cert, key }, (request, response) => void open(request, response));
  }
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  options.logger?.info({ port, mesh: options.mesh, prometheus: options.prometheus.address, access: access.kind }, 'serving metrics.smi-spec.io/v1alpha1');
  return {
    url,
    port,
    ca: cert,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(reload);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function servingCertificate(options: TrafficMetricsServerOptions): Promise<{ cert: string; key: string }> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new Error('--cert and --key go together: give both PEM files, or neither for a self-signed certificate');
    return { cert: await readFile(options.certFile, 'utf8'), key: await readFile(options.keyFile, 'utf8') };
  }
  const generated = await generate([{ name: 'commonName', value: 'kanari-metrics-server' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'kanari-metrics-server' },
        ],
      },
    ],
  });
  return { cert: generated.cert, key: generated.private };
}
