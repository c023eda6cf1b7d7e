import { startLoad } from '../../../src/sandbox/loadgen/load-generator.ts';
import { startSampleApp } from '../../../src/sandbox/sample-app/sample-app.ts';
import { behaviourFromEnv } from '../../../src/sandbox/sample-app/sample-app-behaviour.ts';
import { eventually } from '../../helpers/eventually.ts';

describe('sample app driven by the load generator', () => {
  it('fails the ERROR_RATE share of requests, the same ones for the same seed, and reports its VERSION', async () => {
    const behaviour = behaviourFromEnv([{ name: 'VERSION', value: 'v3' }, { name: 'ERROR_RATE', value: '0.3' }, { name: 'LATENCY_MS', value: '5' }]);
    const runOnce = async () => {
      const app = await startSampleApp({ behaviour, seed: 'same' });
      try {
        const run = startLoad({ url: app.url, rps: 400, maxRequests: 100, seed: 1 });
        const summary = await run.done;
        // Requests overlap, so compare the outcome counts, which depend only on the seed.
        return { summary, served: app.served() };
      } finally {
        await app.stop();
      }
    };
    const first = await runOnce();
    const second = await runOnce();
    expect(first.summary.completed).toBe(100);
    expect(first.summary.byVersion.v3.requests).toBe(100);
    expect(first.summary.errors).toBeGreaterThan(15);
    expect(first.summary.errors).toBeLessThan(45);
    expect(second.summary.errors).toBe(first.summary.errors);
    expect(first.served).toEqual({ ok: 100 - first.summary.errors, failed: first.summary.errors });
    expect(first.summary.p50LatencyMs).toBeGreaterThanOrEqual(4);
  });

  it('sends at the configured rate, stops when asked, and answers /healthz by readiness', async () => {
    const app = await startSampleApp({ behaviour: behaviourFromEnv([]), seed: 1, ready: false });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
      app.setReady(true);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      const startedAt = performance.now();
      const run = startLoad({ url: app.url, rps: 50, durationMs: 10_000 });
      await eventually('25 requests sent', () => run.summary().sent >= 25, { everyMs: 5 });
      const elapsed = performance.now() - startedAt;
      const summary = await run.stop();
      // 50 rps with the first request at once: the 25th goes out 480 ms after it, never sooner (a busy
      // machine makes it later, not earlier; timers fire to the millisecond), and far sooner than a tenth
      // of the rate would.
      expect(elapsed).toBeGreaterThanOrEqual(479);
      expect(elapsed).toBeLessThan(4800);
      // Stopped means stopped: nothing more goes out.
      await new Promise((resolve) => setImmediate(resolve));
      expect(run.summary().sent).toBe(summary.sent);
      expect(summary.completed).toBe(summary.sent);
      expect(summary.byStatus).toEqual({ 200: summary.sent });
    } finally {
      await app.stop();
    }
  });

  it('a replica stopping with a grace period answers the request it already has; without one it cuts it', async () => {
    const slow = () => startSampleApp({ behaviour: behaviourFromEnv([{ name: 'LATENCY_MS', value: '150' }]), seed: 1 });
    const graceful = await slow();
    const answered = fetch(graceful.url).then((r) => r.status, () => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await graceful.stop(2000);
    expect(await answered).toBe(200);

    const killed = await slow();
    const cut = fetch(killed.url).then((r) => r.status, () => 'cut');
    await new Promise((resolve) => setTimeout(resolve, 30));
    await killed.stop();
    expect(await cut).toBe('cut');
  });

  it('records a refused connection as an error the user saw', async () => {
    const app = await startSampleApp({ behaviour: behaviourFromEnv([]), seed: 1 });
    await app.stop();
    const summary = await startLoad({ url: app.url, rps: 100, maxRequests: 3 }).done;
    expect(summary).toMatchObject({ sent: 3, completed: 3, errors: 3, byStatus: { 0: 3 } });
  });
});
