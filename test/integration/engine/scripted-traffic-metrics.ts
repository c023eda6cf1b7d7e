import type { ServerResponse } from 'node:http';
import { formatQuantity } from '../../../src/metrics/quantity.ts';

/** What the scripted TrafficMetrics API answers for one Deployment (or DaemonSet). */
export type TrafficScript =
  | { kind: 'metrics'; success: number; failure: number; p99Ms: number }
  | { kind: 'no-series' }
  | { kind: 'zero-requests' }
  /** The metrics server behind the APIService is down: the aggregator answers 503. */
  | { kind: 'unavailable' };

/**
 * Serves SMI TrafficMetrics for Deployments from scripts (by Deployment name), mounted where a mesh's
 * metrics API would be: the controller reads it through the API server's aggregation, as in a cluster.
 * A Deployment without a script answers as a mesh without series does.
 */
export function serveScriptedTrafficMetrics(scripts: ReadonlyMap<string, TrafficScript>, res: ServerResponse, path: string): void {
  const match = /^\/namespaces\/([^/]+)\/(deployments|daemonsets)\/([^/?]+)/.exec(path);
  const script = match ? scripts.get(match[3]) : undefined;
  const reply = (status: number, body: unknown): void => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (script?.kind === 'unavailable') return reply(503, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'ServiceUnavailable', code: 503, message: 'the server is currently unable to handle the request' });
  if (!match || !script || script.kind === 'no-series') return reply(500, { error: 'unable to lookup metrics' });
  const [success, failure, p99] = script.kind === 'zero-requests' ? [0, 0, 0] : [script.success, script.failure, script.p99Ms];
  const metric = (name: string, value: number, unit?: string) => ({ name, ...(unit ? { unit } : {}), value: formatQuantity(value) });
  reply(200, {
    kind: 'TrafficMetrics',
    apiVersion: 'metrics.smi-spec.io/v1alpha1',
    metadata: { name: match[3], namespace: match[1], creationTimestamp: new Date().toISOString() },
    timestamp: new Date().toISOString(),
    window: '30s',
    resource: { kind: match[2] === 'daemonsets' ? 'Daemonset' : 'Deployment', namespace: match[1], name: match[3] },
    edge: { direction: 'from', resource: null },
    metrics: [
      metric('p99_response_latency', p99, 'ms'),
      metric('p90_response_latency', p99 * 0.9, 'ms'),
      metric('p50_response_latency', p99 * 0.5, 'ms'),
      metric('success_count', success),
      metric('failure_count', failure),
    ],
  });
}
