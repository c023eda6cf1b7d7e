import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The raw answer of one GET: status and body text, read whatever the status. */
export interface KubeGetResponse {
  status: number;
  body: string;
}

/**
 * GETs a path of the Kubernetes API with the kubeconfig's TLS material and credentials. Raw on purpose:
 * aggregated APIs such as TrafficMetrics have no generated client, and their error bodies matter.
 */
export async function kubeGet(kubeConfig: KubeConfig, path: string, options: { timeoutMilliseconds: number; signal?: AbortSignal }): Promise<KubeGetResponse> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const url = new URL(path, cluster.server.replace(/\/+$/, '') + '/');
  const requestOptions: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kubeConfig.applyToHTTPSOptions(requestOptions);
  const send = url.protocol === 'http:' ? http.request : https.request;
  return new Promise<KubeGetResponse>((resolve, reject) => {
    const request = send(url, { ...requestOptions, signal: options.signal, timeout: options.timeoutMilliseconds }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
    request.end();
  });
}
