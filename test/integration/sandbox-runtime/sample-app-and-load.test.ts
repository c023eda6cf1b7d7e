import { startLoad } from '../../../src/sandbox/loadgen/load-generator.ts';
import { startSampleApp } from '../../../src/sandbox/sample-app/sample-app.ts';
import { behaviourFromEnv } from '../../../src/sandbox/sample-app/sample-app-behaviour.ts';
import { FakeClock } from '../../../src/time/clock.ts';
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

  it('sends at the configured rate on the clock it is given, stops when asked, and answers /healthz by readiness', async () => {
    const app = await startSampleApp({ behaviour: behaviourFromEnv([]), seed: 1, ready: false });
    try {
      expect((await fetch(`${app.url}/healthz`)).status).toBe(503);
      app.setReady(true);
      expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
      const clock = new FakeClock(Date.parse('2026-03-02T10:00:00Z'));
      const run = startLoad({ url: app.url, rps: 50, durationMs: 10_000, clock });
      // 50 rps with the first request at once: the 25th goes out 480 ms after it, not a millisecond sooner.
      expect(run.summary().sent).toBe(1);
      clock.advance(479);
      expect(run.summary().sent).toBe(24);
      clock.advance(1);
      expect(run.summary().sent).toBe(25);
      const summary = await run.stop();
      // Stopped means stopped: however far the clock moves, nothing more goes out.
      clock.advance(60_000);
      expect(run.summary().sent).toBe(25);
      expect(clock.pendingTimers()).toBe(0);
      expect(summary).toMatchObject({ sent: 25, completed: 25, byStatus: { 200: 25 } });
    } finally {
      await app.stop();
    }
  });

  it('ends by itself once its duration has passed on its clock', async () => {
    const app = await startSampleApp({ behaviour: behaviourFromEnv([]), seed: 1 });
    try {
      const clock = new FakeClock(Date.parse('2026-03-02T10:00:00Z'));
      const run = startLoad({ url: app.url, rps: 50, durationMs: 1000, clock });
      clock.advance(1000);
      expect(await run.done).toMatchObject({ sent: 50, completed: 50, byStatus: { 200: 50 } });
      expect(run.results().map((r) => r.sentAt - Date.parse('2026-03-02T10:00:00Z')).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i * 20));
    } finally {
      await app.stop();
    }
  });

  it('a replica stopping with a grace period answers the request it already has; without one it cuts it', async () => {
    const graceful = await startSampleApp({ behaviour: behaviourFromEnv([{ name: 'LATENCY_MS', value: '150' }]), seed: 1 });
    const answered = fetch(graceful.url).then((r) => r.status, () => 'cut');
    await eventually('the request in the graceful replica\'s hands', () => graceful.inFlight() === 1);
    // stop() returns once the last answer is sent; the grace is only the most it would wait.
    await graceful.stop(60_000);
    expect(await answered).toBe(200);

    // An answer due long after the test would end: only the kill can end this request.
    const killed = await startSampleApp({ behaviour: behaviourFromEnv([{ name: 'LATENCY_MS', value: '600000' }]), seed: 1 });
    const cut = fetch(killed.url).then((r) => r.status, () => 'cut');
    await eventually('the request in the killed replica\'s hands', () => killed.inFlight() === 1);
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
