import { startMetricsExporter, type CounterSeries, type HistogramSeries, type MetricsExporter } from './metrics-exporter.ts';
import { startPrometheus, waitForQuery, type RunningPrometheus } from './prometheus.ts';

/** Where the suite's Prometheus answers, once its tests run. */
export interface ScrapedPrometheus {
  readonly url: string;
}

/**
 * A real Prometheus scraping an exporter of these series, started before the suite's tests and ready
 * once `ready.query` gives what `ready.accept` wants (a window needs a few scrapes), stopped after them.
 */
export function prometheusScraping(
  counters: CounterSeries[],
  histograms: HistogramSeries[],
  ready: { query: string; accept: (values: number[]) => boolean },
  timeoutMs?: number,
): ScrapedPrometheus {
  let exporter: MetricsExporter | undefined;
  let prometheus: RunningPrometheus | undefined;

  beforeAll(async () => {
    exporter = await startMetricsExporter(counters, histograms);
    prometheus = await startPrometheus([exporter.target]);
    await waitForQuery(prometheus.url, ready.query, ready.accept);
  }, timeoutMs);

  afterAll(async () => {
    await prometheus?.close();
    await exporter?.close();
  });

  return {
    get url(): string {
      if (!prometheus) throw new Error('Prometheus is not started yet: read its url inside a test');
      return prometheus.url;
    },
  };
}
