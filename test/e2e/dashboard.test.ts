// Functions passed to page.evaluate run in the browser.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { RbacAuthorizationV1Api } from '@kubernetes/client-node';
import type { Page } from 'playwright-core';
import { assembleController } from '../../src/controller/assemble.ts';
import type { CanaryController } from '../../src/controller/canary-controller.ts';
import { createLogger } from '../../src/log/logger.ts';
import { PlaygroundWorld } from '../../src/playground/playground-world.ts';
import { ProgressOutput } from '../../src/playground/progress-output.ts';
import { PODINFO_ANALYSIS, PODINFO_V1 } from '../../src/playground/releases.ts';
import { rolloutScenario } from '../../src/playground/rollout-scenario.ts';
import { scenarioCatalog } from '../../src/playground/scenarios.ts';
import { createControllerMetrics } from '../../src/server/controller-metrics.ts';
import { startBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startHttpReceiver, type HttpReceiver } from '../helpers/http-receiver.ts';

// `KANARI_SCREENSHOTS=docs/images npm run test:e2e -- test/e2e/dashboard.test.ts` refreshes the
// screenshots in the docs; otherwise none are written.
const SCREENSHOTS = process.env.KANARI_SCREENSHOTS;

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `dashboard-${name}.png`), fullPage: true });
}

/** The datasets Chart.js drew on a canvas, read back from the page. */
function chartData(page: Page, canvasId: string): Promise<{ label: string; data: { x: number; y: number | null; result?: string }[] }[]> {
  return page.evaluate((id) => {
    const chart = (window as unknown as { Chart: { getChart(el: Element): { data: { datasets: unknown[] } } } }).Chart.getChart(document.getElementById(id)!);
    return chart.data.datasets as { label: string; data: { x: number; y: number | null; result?: string }[] }[];
  }, canvasId);
}

async function until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000}s; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    last = await read();
  }
  return last;
}

const quiet = () => createLogger({ level: 'silent', destination: new Writable({ write: (_c, _e, done) => done() }) });
const out = new ProgressOutput({ write: () => true }, false);

describe('the dashboard in a real browser (headless Chromium), over the playground', () => {
  let world: PlaygroundWorld;
  let browser: TestBrowser;
  let page: Page;
  const pageErrors: string[] = [];
  const restarted: CanaryController[] = [];
  let approvals: HttpReceiver | undefined;

  beforeAll(async () => {
    world = await PlaygroundWorld.start({ seed: 7 });
    browser = await startBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const controller of restarted) await controller.stop();
    await approvals?.close();
    await world?.stop();
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  test('the good and the bad release appear live on the list, without reloading the page', async () => {
    await page.goto(world.dashboard.url);
    await page.waitForSelector('#canaries');
    // Record every phase and weight the podinfo row shows as the stream updates it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const record = () => {
        const row = document.querySelector('tr[data-canary="default/podinfo"]');
        if (!row) return;
        const now = `${row.querySelector('[data-field=phase]')?.textContent}|${row.querySelector('[data-field=weight]')?.textContent}`;
        if (seen.at(-1) !== now) seen.push(now);
      };
      new MutationObserver(record).observe(document.getElementById('main')!, { subtree: true, childList: true, characterData: true });
    });
    const seen = () => page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const play = async (name: string, shows: string) => {
      const scenario = scenarioCatalog().find((s) => s.name === name)!;
      expect((await scenario.run({ world, out, seed: 7 })).problems).toEqual([]);
      await until(`the list shows ${shows} after ${name}`, seen, (s) => s.at(-1) === shows);
    };
    await play('good-release', 'Succeeded|0%');
    // The steps were seen as they happened: the stream updates the row, the page was never reloaded.
    expect((await seen()).filter((entry) => /^Progressing\|(20|40|60|80|100)%$/.test(entry)).length).toBeGreaterThanOrEqual(3);
    await play('bad-release', 'Failed|0%');
    const phases = (await seen()).map((entry) => entry.split('|')[0]).filter((phase, i, all) => phase !== all[i - 1]);
    expect(phases.slice(phases.indexOf('Succeeded'))).toEqual(['Succeeded', 'Progressing', 'Failed']);
    expect(await seen()).toContain('Progressing|20%');
    expect(await page.textContent('tr[data-canary="default/podinfo"] [data-field=checks]')).toMatch(/✗ request-success-rate \d/);
    await screenshot(page, 'list');
  }, 120_000);

  test('the Canary page draws the weight steps and the failing metric of the last run, and lists the runs before it', async () => {
    await page.goto(`${world.dashboard.url}#/canaries/default/podinfo`);
    await page.waitForSelector('#chart-weight');
    const [weight] = await chartData(page, 'chart-weight');
    const weights = weight.data.map((point) => point.y);
    expect(Math.max(...(weights as number[]))).toBe(PODINFO_ANALYSIS.stepWeight);
    expect(weights[0]).toBe(0);
    expect(weights.at(-1)).toBe(0);
    const [successRate, min] = await chartData(page, 'chart-metric-request-success-rate');
    const failing = successRate.data.filter((point) => point.result === 'fail');
    expect(failing.length).toBe(PODINFO_ANALYSIS.threshold);
    for (const point of failing) expect(point.y).toBeLessThan(99);
    expect(min.label).toBe('min 99');
    expect(await page.textContent('#run')).toContain('FailedChecks');
    const runs = await page.$$eval('#past-runs tbody tr', (rows) => rows.map((row) => row.querySelector('td:nth-child(2)')?.textContent));
    expect(runs).toEqual(['Failed', 'Succeeded']);
    await screenshot(page, 'canary');
  }, 60_000);

  test('after a controller restart the past runs are still listed, and the next run joins them', async () => {
    await world.controller.stop();
    const metrics = createControllerMetrics();
    const controller = assembleController({ kubeConfig: world.kubeConfig, logger: quiet(), metrics, namespaces: ['default'], clusterName: 'playground' }).controller;
    restarted.push(controller);
    await controller.start();
    await page.reload();
    await page.waitForSelector('#past-runs tbody tr');
    expect(await page.$$eval('#past-runs tbody tr', (rows) => rows.length)).toBe(2);

    const next = { image: 'ghcr.io/stefanprodan/podinfo:6.0.4', env: { LATENCY_MS: '2', VERSION: 'v4' } };
    const release = rolloutScenario({
      name: 'after-restart', title: 'a good release on the restarted controller', app: 'podinfo', analysis: PODINFO_ANALYSIS, base: PODINFO_V1, next,
      expectPhase: 'Succeeded', users: [{ label: 'users', rps: 50 }], check: () => ({ problems: [], notes: [] }),
    });
    expect((await release.run({ world, out, seed: 7 })).problems).toEqual([]);
    const outcomes = await until(
      'the page lists the new run',
      () => page.$$eval('#past-runs tbody tr', (rows) => rows.map((row) => row.querySelector('td:nth-child(2)')?.textContent)),
      (rows) => rows.length === 3,
    );
    expect(outcomes).toEqual(['Succeeded', 'Failed', 'Succeeded']);
  }, 120_000);

  test('manual actions: refused without a token and for a user who may not patch; a user who may promotes', async () => {
    approvals = await startHttpReceiver({ status: 403, body: 'waiting for the release manager' });
    const rbac = world.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({ body: { metadata: { name: 'canary-operator' }, rules: [{ apiGroups: ['kanari.dev'], resources: ['canaries'], verbs: ['get', 'list', 'watch', 'patch'] }] } });
    await rbac.createClusterRole({ body: { metadata: { name: 'canary-viewer' }, rules: [{ apiGroups: ['kanari.dev'], resources: ['canaries'], verbs: ['get', 'list', 'watch'] }] } });
    const bind = (user: string, role: string) =>
      rbac.createNamespacedRoleBinding({
        namespace: 'default',
        body: { metadata: { name: `${user}-${role}` }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', name: user, apiGroup: 'rbac.authorization.k8s.io' }] },
      });
    const alice = world.server.addUser('alice');
    const bob = world.server.addUser('bob');
    await bind('alice', 'canary-operator');
    await bind('bob', 'canary-viewer');

    const analysis = { interval: '1s', threshold: 2, stepWeight: 50, maxWeight: 50, webhooks: [{ name: 'release-manager', type: 'confirm-promotion' as const, url: approvals.url }] };
    await world.deploy('checkout', { image: 'example/checkout:1', env: { VERSION: 'v1' } }, analysis);
    await world.recorder.waitFor('checkout', (c) => c.status?.phase === 'Initialized', 'be initialized', 30_000);
    await world.ship('checkout', { image: 'example/checkout:2', env: { VERSION: 'v2' } });
    await world.recorder.waitFor('checkout', (c) => c.status?.phase === 'WaitingPromotion', 'wait for promotion approval', 30_000);

    await page.goto(`${world.dashboard.url}#/canaries/default/checkout`);
    await page.waitForSelector('[data-field=waiting]');
    expect(await page.textContent('[data-field=waiting]')).toContain('confirm-promotion (release-manager)');
    const promoteWith = async (token: string) => {
      await page.fill('#token', token);
      await page.click('[data-action=promote]');
      const answer = await page.waitForSelector('#action-result [data-status]');
      return { status: Number(await answer.getAttribute('data-status')), message: (await answer.textContent()) ?? '' };
    };
    expect(await promoteWith('')).toEqual({ status: 401, message: expect.stringContaining('needs your Kubernetes bearer token') });
    expect(await promoteWith('not-a-token')).toEqual({ status: 401, message: 'the API server did not accept this token' });
    expect(await promoteWith(bob.token)).toEqual({ status: 403, message: 'user bob may not patch canary checkout.default' });
    expect((await world.canary('checkout')).metadata.annotations?.['kanari.dev/promote']).toBeUndefined();

    const allowed = await promoteWith(alice.token);
    expect(allowed.status).toBe(200);
    expect(allowed.message).toContain('promote requested for canary checkout.default by alice');
    const promoted = await world.recorder.waitFor('checkout', (c) => c.status?.phase === 'Succeeded', 'be promoted', 30_000);
    expect(promoted.metadata.annotations?.['kanari.dev/promote']).toMatch(/^alice@/);
    // The run's timeline says who promoted it; the page shows it once the stream brings the change.
    await page.waitForFunction(() => document.querySelector('#timeline')?.textContent?.includes('promote by alice'));
    await page.waitForFunction(() => document.querySelector('#facts [data-field=phase]')?.textContent === 'Succeeded');
    await screenshot(page, 'actions');
  }, 120_000);

  test('the mesh page shows the served SMI APIs and the TrafficAccess preflight', async () => {
    await page.goto(`${world.dashboard.url}#/mesh`);
    await page.waitForSelector('#smi');
    const rows = await page.$$eval('#smi tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent)));
    expect(rows.map((row) => [row[0], row[2]])).toEqual([
      ['split', 'v1alpha4, v1alpha3, v1alpha2, v1alpha1'],
      ['specs', 'v1alpha4, v1alpha3, v1alpha2, v1alpha1'],
      ['access', 'v1alpha3, v1alpha2, v1alpha1'],
      ['metrics', 'v1alpha1'],
    ]);
    expect(await page.textContent('#preflight')).toContain('TrafficTarget loadtester-to-podinfo');
    await screenshot(page, 'mesh');
  }, 60_000);
});
