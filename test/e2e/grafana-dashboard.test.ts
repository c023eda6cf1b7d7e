import { readFileSync } from 'node:fs';
import { PlaygroundWorld } from '../../src/playground/playground-world.ts';
import { ProgressOutput } from '../../src/playground/progress-output.ts';
import { scenarioCatalog } from '../../src/playground/scenarios.ts';
import { startPrometheus, waitForQuery, type RunningPrometheus } from '../helpers/prometheus.ts';

// The controller's /metrics after real runs (a promotion and a rollback in the playground), scraped by a
// real Prometheus: every query of the Grafana dashboard the chart ships must answer, and with data.

interface Panel {
  title: string;
  type: string;
  targets: { expr: string; refId: string; instant?: boolean }[];
}
interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: { query: string } }[] };
}

const dashboard = JSON.parse(readFileSync(new URL('../../charts/kanari/dashboards/kanari.json', import.meta.url), 'utf8')) as Dashboard;

/** Grafana's variables as a person who picked "All" and a 1-hour range would have them. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__range', '1h')
    .replaceAll('$__interval', '15s')
    .replaceAll('$namespace', '.*')
    .replaceAll('$canary', '.*');
}

async function prometheusApi(prometheus: RunningPrometheus, path: string, params: Record<string, string>): Promise<{ status: string; error?: string; data: { result?: unknown[] } | string[] }> {
  const url = new URL(path, prometheus.url);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return (await (await fetch(url)).json()) as { status: string; error?: string; data: { result?: unknown[] } };
}

async function metricsText(world: PlaygroundWorld): Promise<string> {
  return (await fetch(`${world.health.url}/metrics`)).text();
}

describe('the Grafana dashboard over a real Prometheus scraping a controller that ran a promotion and a rollback', () => {
  let world: PlaygroundWorld;
  let prometheus: RunningPrometheus;

  beforeAll(async () => {
    world = await PlaygroundWorld.start({ seed: 7 });
    prometheus = await startPrometheus([new URL(world.health.url).host]);
    const out = new ProgressOutput({ write: () => true }, false);
    for (const scenario of scenarioCatalog().filter((s) => s.name === 'good-release' || s.name === 'bad-release')) {
      expect((await scenario.run({ world, out, seed: 7 })).problems).toEqual([]);
    }
    // Both ends of a run have been scraped.
    await waitForQuery(prometheus.url, 'kanari_canary_failures_total{name="podinfo"}', (values) => values.length === 1 && values[0] === 1);
    await waitForQuery(prometheus.url, 'kanari_canary_successes_total{name="podinfo"}', (values) => values.length === 1 && values[0] === 1);
  }, 120_000);

  afterAll(async () => {
    await prometheus?.close();
    await world?.stop();
  });

  test('every panel query answers without error and with data', async () => {
    const queries = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, ref: target.refId, instant: target.instant === true, expr: substitute(target.expr) })));
    expect(queries.length).toBeGreaterThanOrEqual(10);
    const now = Date.now() / 1000;
    for (const query of queries) {
      const answer = query.instant
        ? await prometheusApi(prometheus, '/api/v1/query', { query: query.expr })
        : await prometheusApi(prometheus, '/api/v1/query_range', { query: query.expr, start: String(now - 120), end: String(now), step: '1' });
      expect({ ...query, status: answer.status, error: answer.error }).toEqual({ ...query, status: 'success', error: undefined });
      const result = (answer.data as { result: unknown[] }).result;
      expect({ ...query, empty: result.length === 0 }).toEqual({ ...query, empty: false });
    }
  });

  test("every template variable's query finds the Canary's namespace and name", async () => {
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const match = /^label_values\((.*), (\w+)\)$/.exec(substitute(variable.query!.query))!;
      const answer = await prometheusApi(prometheus, `/api/v1/label/${match[2]}/values`, { 'match[]': match[1] });
      expect([variable.name, answer.data]).toEqual([variable.name, expect.arrayContaining([variable.name === 'namespace' ? 'default' : 'podinfo'])]);
    }
  });

  test('the series come from the runs, as Flagger names them, and all of a deleted Canary goes away', async () => {
    const text = await metricsText(world);
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"|]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
    expect(value('kanari_canary_status{name="podinfo",namespace="default"}')).toBe(2);
    expect(value('kanari_canary_weight{workload="podinfo",namespace="default"}')).toBe(0);
    expect(value('kanari_canary_weight{workload="podinfo-primary",namespace="default"}')).toBe(100);
    expect(value('kanari_canary_metric_analysis{name="podinfo",namespace="default",metric="request-success-rate"}')).toBeLessThan(99);
    expect(value('kanari_canary_successes_total{name="podinfo",namespace="default",deployment_strategy="canary",analysis_status="completed"}')).toBe(1);
    expect(value('kanari_canary_failures_total{name="podinfo",namespace="default",deployment_strategy="canary",analysis_status="failed"}')).toBe(1);
    expect(value('kanari_canary_run_duration_seconds_count{name="podinfo",namespace="default",outcome="Succeeded"}')).toBe(1);
    expect(value('kanari_canary_run_duration_seconds_count{name="podinfo",namespace="default",outcome="Failed"}')).toBe(1);
    expect(value('kanari_canary_duration_seconds_count{name="podinfo",namespace="default"}')).toBeGreaterThan(10);
    expect(value('kanari_canary_total{namespace="default"}')).toBe(1);
    expect(text).toMatch(/^kanari_info\{version="\d+\.\d+\.\d+",mesh_provider="smi"\} 1$/m);

    await world.custom.deleteNamespacedCustomObject({ group: 'kanari.dev', version: 'v1alpha1', namespace: 'default', plural: 'canaries', name: 'podinfo' });
    const deadline = Date.now() + 30_000;
    let left: string[];
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      left = (await metricsText(world)).split('\n').filter((line) => /(name|workload)="podinfo(-primary)?"/.test(line));
    } while (left.length > 0 && Date.now() < deadline);
    expect(left).toEqual([]);
    expect(await metricsText(world)).not.toMatch(/^kanari_canary_total\{namespace="default"\} [1-9]/m);
  });
});
