import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback /metrics endpoint whose counters grow at fixed rates from the moment it starts, so every
 * rate(), increase() ratio and histogram_quantile() over them has a value known in advance.
 */
export interface CounterSeries {
  name: string;
  labels: Record<string, string>;
  /** Increase per second. */
  perSecond: number;
}

/** A histogram given by cumulative bucket rates: `buckets[le]` observations per second at or below `le`. */
export interface HistogramSeries {
  name: string;
  labels: Record<string, string>;
  buckets: Array<[le: number, perSecond: number]>;
}

export interface MetricsExporter {
  /** host:port for a Prometheus scrape target. */
  target: string;
  close(): Promise<void>;
}

/** Starts the exporter on 127.0.0.1 with an OS-chosen port. */
export async function startMetricsExporter(counters: CounterSeries[], histograms: HistogramSeries[]): Promise<MetricsExporter> {
  const startedAt = Date.now();
  const server = http.createServer((request, response) => {
    // One elapsed time per scrape keeps every series of a scrape in exact proportion.
    const elapsedSeconds = (Date.now() - startedAt) / 1000;
    response.writeHead(request.url === '/metrics' ? 200 : 404, { 'Content-Type': 'text/plain; version=0.0.4' });
    response.end(request.url === '/metrics' ? exposition(counters, histograms, elapsedSeconds) : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function exposition(counters: CounterSeries[], histograms: HistogramSeries[], elapsedSeconds: number): string {
  const lines: string[] = [];
  const typed = new Set<string>();
  const type = (name: string, kind: string) => {
    if (!typed.has(name)) lines.push(`# TYPE ${name} ${kind}`);
    typed.add(name);
  };
  for (const counter of counters) {
    type(counter.name, 'counter');
    lines.push(`${counter.name}${labelText(counter.labels)} ${counter.perSecond * elapsedSeconds}`);
  }
  for (const histogram of histograms) {
    const base = histogram.name.replace(/_bucket$/, '');
    type(base, 'histogram');
    const total = histogram.buckets.at(-1)?.[1] ?? 0;
    for (const [le, perSecond] of histogram.buckets) lines.push(`${base}_bucket${labelText({ ...histogram.labels, le: String(le) })} ${perSecond * elapsedSeconds}`);
    lines.push(`${base}_bucket${labelText({ ...histogram.labels, le: '+Inf' })} ${total * elapsedSeconds}`);
    lines.push(`${base}_count${labelText(histogram.labels)} ${total * elapsedSeconds}`);
    lines.push(`${base}_sum${labelText(histogram.labels)} ${total * elapsedSeconds * 20}`);
  }
  return `${lines.join('\n')}\n`;
}

function labelText(labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}
