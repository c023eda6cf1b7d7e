import { Duration } from '../../../src/api/duration.ts';
import { eventually } from '../../helpers/eventually.ts';
import { EngineHarness, quickAnalysis } from './engine-harness.ts';

/**
 * The API server, the metrics API, or both, gone for 30 s (three analysis intervals of the fake clock)
 * in the middle of an analysis. Nothing may move while they are away, the controller must not crash or
 * count the outage against the canary, and it must go on by itself when they return: the fake clock
 * stands still then, so only the informers noticing the server (in real time, with their bounded
 * backoff) can make it go on — not a retry timer, which would wait for the clock.
 */

const INTERVAL = '10s';
const OUTAGE_INTERVALS = 3;
const GOOD = { kind: 'metrics', success: 995, failure: 1, p99Ms: 120 } as const;

describe('canary engine: outages in the middle of an analysis', () => {
  let world: EngineHarness;
  const interval = Duration.parse(INTERVAL).milliseconds;

  beforeEach(async () => {
    world = await EngineHarness.start();
    await world.createDeployment('podinfo', 'podinfo:6.0.0');
    // Five failed checks allowed: an outage of three intervals must not be what decides the run.
    await world.createCanary('podinfo', { analysis: quickAnalysis({ interval: INTERVAL, threshold: 5 }) });
    await world.startController();
    await world.waitForPhase('podinfo', 'Initialized');
    world.traffic.set('podinfo', GOOD);
    await world.setImage('podinfo', 'podinfo:6.0.1');
    await world.advanceUntil('podinfo', (s) => s.phase === 'Progressing' && s.canaryWeight === 20, 'weight 20');
    await world.settle();
    await world.controller?.idle();
  });
  afterEach(async () => {
    await world.stop();
  });

  /** Moves the fake clock one interval at a time, waiting for the controller's tick each time (they may fail). */
  async function passIntervalsAway(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const before = await world.ticks('podinfo');
      world.clock.advance(interval);
      await eventually(`a tick of podinfo during the outage (${i + 1}/${n})`, async () => (await world.ticks('podinfo')) > before);
    }
  }

  const failedTicksLogged = () => world.logLines.filter((line) => line.includes('reconcile failed; retrying')).length;

  async function expectRunEndsAsUninterrupted(): Promise<void> {
    await world.runUntilPhase('podinfo', 'Succeeded');
    await world.controller?.idle();
    // The test's history watches came back after the outage with their own backoff, in real time, while
    // the run went on in fake time: wait until they have seen everything written so far.
    await world.historyCaughtUp('podinfo');
    expect(world.phaseHistory).toEqual(['Initializing', 'Initialized', 'Progressing', 'Promoting', 'Finalising', 'Succeeded']);
    expect(world.weightHistory).toEqual([0, 20, 40, 60, 0]);
    const primary = await world.apps.readNamespacedDeployment({ name: 'podinfo-primary', namespace: 'test' });
    expect(primary.spec?.template.spec?.containers[0].image).toBe('podinfo:6.0.1');
  }

  test('API server down for three intervals, its history compacted: nothing moves, and the run goes on as soon as it is back', async () => {
    const faults = world.sandbox.server.faults;
    const before = await world.status('podinfo');
    await faults.down();
    await passIntervalsAway(OUTAGE_INTERVALS);
    expect(failedTicksLogged()).toBeGreaterThanOrEqual(OUTAGE_INTERVALS);
    // The watch history is gone too, as after a real API server restart: every informer must relist.
    faults.compact();
    await faults.up();

    // No clock move: the next analysis (due since the outage) happens because the informers saw the server return.
    const next = (before.canaryWeight ?? 0) + 20;
    const resumed = await world.waitForStatus('podinfo', (s) => s.canaryWeight === next, `weight ${next} after the API server returned, the fake clock standing still`);
    // One step, decided now, with nothing counted against the canary for the outage.
    expect(resumed).toMatchObject({ phase: 'Progressing', failedChecks: 0, lastAnalysisTime: new Date(world.clock.now()).toISOString() });
    await world.controller?.idle();
    expect(Number((await world.readSplit('podinfo')).spec.backends.find((b) => b.service === 'podinfo-canary')?.weight)).toBe(next);
    // The test's own history watches relist after the compaction too; the rest of the run is recorded from here.
    await world.historyCaughtUp('podinfo');
    await expectRunEndsAsUninterrupted();
  });

  test('metrics API unavailable for three intervals: failed checks, no step, Ready names the provider; the next interval after it returns steps', async () => {
    const before = await world.status('podinfo');
    const weights = world.weightHistory;
    world.traffic.set('podinfo', { kind: 'unavailable' });
    await world.passIntervals('podinfo', OUTAGE_INTERVALS);
    const during = await world.status('podinfo');
    expect(during).toMatchObject({ phase: 'Progressing', canaryWeight: before.canaryWeight, failedChecks: OUTAGE_INTERVALS });
    expect(during.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'MetricsProviderUnreachable' });
    expect(during.conditions?.find((c) => c.type === 'Reconciling')?.status).toBe('True');
    expect(world.weightHistory).toEqual(weights);

    world.traffic.set('podinfo', GOOD);
    await world.passIntervals('podinfo', 1);
    expect(await world.status('podinfo')).toMatchObject({ canaryWeight: (before.canaryWeight ?? 0) + 20 });
    await expectRunEndsAsUninterrupted();
  });

  test('both gone, the metrics API still away when the API server returns: the outage of the server costs nothing, that of the metrics counts', async () => {
    const faults = world.sandbox.server.faults;
    const before = await world.status('podinfo');
    world.traffic.set('podinfo', { kind: 'unavailable' });
    await faults.down();
    await passIntervalsAway(OUTAGE_INTERVALS);
    await faults.up();

    // Back without the clock moving: the due analysis runs, meets the unavailable metrics API once.
    const back = await world.waitForStatus('podinfo', (s) => s.failedChecks === 1, 'one failed check once the API server is back');
    expect(back).toMatchObject({ phase: 'Progressing', canaryWeight: before.canaryWeight });
    world.traffic.set('podinfo', GOOD);
    await world.passIntervals('podinfo', 1);
    expect(await world.status('podinfo')).toMatchObject({ canaryWeight: (before.canaryWeight ?? 0) + 20, failedChecks: 1 });
    await expectRunEndsAsUninterrupted();
  });
});
