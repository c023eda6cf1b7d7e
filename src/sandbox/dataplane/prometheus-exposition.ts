/**
 * The data plane's records in the Prometheus text format under Linkerd's proxy metric names, so a real
 * Prometheus scraping it answers the same PromQL that smi-metrics and Flagger send to Linkerd's.
 */
import { LATENCY_BUCKETS_MS } from './latency-histogram.ts';
import type { TrafficStore } from './traffic-store.ts';

function labelText(labels: Record<string, string>): string {
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `{${Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`).join(',')}}`;
}

/** Renders `response_total` and `response_latency_ms` for every Deployment seen, as cumulative counters. */
export function renderPrometheusText(store: TrafficStore): string {
  const lines: string[] = [
    '# HELP response_total Total count of HTTP responses.',
    '# TYPE response_total counter',
  ];
  const workloads = store.workloads('Deployment');
  const latency: string[] = [
    '# HELP response_latency_ms Elapsed times between a request\'s headers being received and its response stream completing.',
    '# TYPE response_latency_ms histogram',
  ];
  for (const key of workloads) {
    const totals = store.totals(key);
    if (!totals) continue;
    const base = { direction: 'inbound', namespace: key.namespace, deployment: key.name };
    lines.push(`response_total${labelText({ ...base, classification: 'success' })} ${totals.success}`);
    lines.push(`response_total${labelText({ ...base, classification: 'failure' })} ${totals.failure}`);
    let cumulative = 0;
    LATENCY_BUCKETS_MS.forEach((bound, i) => {
      cumulative += totals.buckets[i];
      latency.push(`response_latency_ms_bucket${labelText({ ...base, le: String(bound) })} ${cumulative}`);
    });
    cumulative += totals.buckets[LATENCY_BUCKETS_MS.length];
    latency.push(`response_latency_ms_bucket${labelText({ ...base, le: '+Inf' })} ${cumulative}`);
    latency.push(`response_latency_ms_sum${labelText(base)} ${totals.latencySumMs}`);
    latency.push(`response_latency_ms_count${labelText(base)} ${cumulative}`);
  }
  return `${[...lines, ...latency].join('\n')}\n`;
}
