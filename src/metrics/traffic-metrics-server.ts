import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import type { Mesh } from '../api/canary.ts';
import type { Logger } from '../log/logger.ts';
import type { PrometheusProvider } from './prometheus.ts';
import { PrometheusTrafficMetrics } from './prometheus-traffic-metrics.ts';
import { createTrafficMetricsHandler } from './traffic-metrics-handler.ts';

/** How `kanari metrics-server` serves: from which Prometheus and mesh, where, and with which serving certificate. */
export interface TrafficMetricsServerOptions {
  prometheus: PrometheusProvider;
  mesh: Mesh;
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

/** Serves `metrics.smi-spec.io/v1alpha1` over HTTPS until closed. */
export async function startTrafficMetricsServer(options: TrafficMetricsServerOptions): Promise<RunningTrafficMetricsServer> {
  const { cert, key } = await servingCertificate(options);
  const handler = createTrafficMetricsHandler({ source: new PrometheusTrafficMetrics(options.prometheus, options.mesh), now: options.now, logger: options.logger });
  const server = https.createServer({ cert, key }, (request, response) => void handler(request, response));
  const host = options.host ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  options.logger?.info({ port, mesh: options.mesh, prometheus: options.prometheus.address }, 'serving metrics.smi-spec.io/v1alpha1');
  return {
    url,
    port,
    ca: cert,
    close: () =>
      new Promise<void>((resolve) => {
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
